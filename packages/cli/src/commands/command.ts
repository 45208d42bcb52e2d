import type { CommandArgs, Operands, OptionSpecs } from '../args.js';
import type { CliIo } from '../io.js';

/** A `retina <name>` subcommand. */
export interface Command {
  readonly name: string;
  /** One line for the command list of `retina --help`. */
  readonly summary: string;
  /** The text of `retina <name> --help`. */
  readonly usage: string;
  readonly options: OptionSpecs;
  readonly operands: Operands;
  run(args: CommandArgs, io: CliIo): Promise<void>;
}
