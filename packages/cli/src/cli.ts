import { readFileSync } from 'node:fs';
import { CommandArgs } from './args.js';
import { classifyCommand } from './commands/classify.js';
import { depthCommand } from './commands/depth.js';
import { exportCommand } from './commands/export.js';
import type { Command } from './commands/command.js';
import { forwardCommand } from './commands/forward.js';
import { preprocessCommand } from './commands/preprocess.js';
import { segmentCommand } from './commands/segment.js';
import { weightsCommand } from './commands/weights.js';
import { UsageError, type CliIo } from './io.js';
import { GLOBAL_OPTIONS, GLOBAL_USAGE } from './shared-options.js';

export type { CliIo } from './io.js';

const COMMANDS: readonly Command[] = [
  preprocessCommand,
  forwardCommand,
  classifyCommand,
  segmentCommand,
  depthCommand,
  weightsCommand,
  exportCommand,
];

const usage = `Usage: retina <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(12)}${command.summary}`).join('\n')}

Options:
${GLOBAL_USAGE}
  -v, --version              Print the version

Run "retina <command> --help" for a command's options.
`;

function version(): string {
  // ../package.json from both src/ (tests) and dist/ (the bin).
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return version;
}

/** What an error prints, and the exit code: 2 with the usage text for a bad command line, else 1. */
function report(error: unknown, io: CliIo, usageText: string, debug: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`retina: ${message}\n`);
  if (error instanceof UsageError) {
    io.stderr(`\n${usageText}`);
    return 2;
  }
  if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return 1;
}

/** Runs `retina <argv>`; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(usage);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const problem = name === undefined ? 'no command given' : `unknown command "${name}"`;
    return report(new UsageError(problem), io, usage, false);
  }

  const debug = rest.includes('--debug');
  try {
    const args = CommandArgs.parse(rest, { ...GLOBAL_OPTIONS, ...command.options });
    if (args.flag('help')) {
      io.stdout(command.usage);
      return 0;
    }
    args.checkOperands(command.operands);
    await command.run(args, io);
    return 0;
  } catch (error) {
    return report(error, io, command.usage, debug);
  }
}
