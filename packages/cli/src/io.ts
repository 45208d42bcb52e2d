/** Where the CLI writes: the bin passes the process streams, tests collect the text. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A command line that cannot be run as written: reported with the usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
