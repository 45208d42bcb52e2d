import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The operands (arguments that are not options) a command takes, if any: one, or with `many` one or more. */
export type Operands = { readonly name: string; readonly many: boolean } | undefined;

type OptionValue = string | boolean | (string | boolean)[] | undefined;

/** One command's parsed command line, with typed, validated reads of its options. */
export class CommandArgs {
  private constructor(
    private readonly values: Readonly<Record<string, OptionValue>>,
    readonly operands: readonly string[],
  ) {}

  /** Parses `argv` strictly: unknown options and missing option values are usage errors. */
  static parse(argv: readonly string[], options: OptionSpecs): CommandArgs {
    try {
      const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
      return new CommandArgs(values, positionals);
    } catch (error) {
      // parseArgs reports bad command lines as TypeErrors with ERR_PARSE_ARGS_* codes.
      if (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
        throw new UsageError(error.message);
      }
      throw error;
    }
  }

  /** Fails with a usage error unless the operands are as many as the command takes. */
  checkOperands(operands: Operands): void {
    const count = this.operands.length;
    if (!operands && count > 0) throw new UsageError(`unexpected argument "${this.operands[0]}"`);
    if (operands?.many && count === 0) throw new UsageError(`expected at least one ${operands.name}`);
    if (operands && !operands.many && count !== 1) throw new UsageError(`expected one ${operands.name}, got ${count}`);
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  }

  /** Every value of an option declared `multiple: true`, given at least once. */
  requiredList(name: string): string[] {
    const value = this.values[name];
    const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (list.length === 0) throw new UsageError(`--${name} is required`);
    return list;
  }

  positiveInteger(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
    return Number(value);
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
  }
}
