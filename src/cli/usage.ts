/**
 * Errors in how a command was called (an unknown option, a missing or bad value, a wrong number of
 * arguments), printed as one line in one shape by every command:
 * `xlens <command>: <what is wrong> (<the fix>; see xlens <command> --help)`, exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserInputError } from '../core/base/errors';
import { closest } from '../core/config/suggest';

/** A mistake in a command's options or arguments: what is wrong and how to put it right. */
export class UsageError extends UserInputError {
  /**
   * @param problem what is wrong, naming the option or argument, e.g. `unknown option --sortt`.
   * @param fix what to type instead, e.g. `did you mean --sort`; omitted when the help says it best.
   */
  constructor(
    readonly problem: string,
    readonly fix?: string,
  ) {
    super(fix === undefined ? problem : `${problem} (${fix})`);
  }
}

/** Drops a sentence's closing full stop (the line adds its own parenthesis). */
function unstop(text: string): string {
  return text.trim().replace(/\.$/, '');
}

/**
 * The line a command's argument error prints: `xlens <command>: <problem> (<fix>; see xlens <command>
 * --help)`. An option error raised by core (`--sort: no run has ...; name a param as ...`) is split
 * at its first `; ` or `. ` into the problem and the fix.
 */
export function usageLine(command: string, error: UserInputError): string {
  let problem: string;
  let fix: string | undefined;
  if (error instanceof UsageError) {
    problem = unstop(error.problem);
    fix = error.fix === undefined ? undefined : unstop(error.fix);
  } else {
    const text = unstop(error.message.replace(/\s*\n\s*/g, ' '));
    // The first `; `, or the first full stop ending a sentence (not the one of `e.g.`).
    const at = /; |(?<!\be\.g|\bi\.e)\. (?=[A-Z])/.exec(text)?.index ?? -1;
    problem = at > 0 ? text.slice(0, at) : text;
    fix = at > 0 ? text.slice(at + 2).replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase()) : undefined;
  }
  const help = `see xlens ${command} --help`;
  return `xlens ${command}: ${problem} (${fix ? `${fix}; ${help}` : help})`;
}

/** True for the errors {@link usageLine} prints: usage errors, and errors of one option (`--name...`). */
export function isUsageError(error: UserInputError): boolean {
  return error instanceof UsageError || /^--[a-z]/.test(error.message);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--name` for an option's canonical name, `-x` as typed for short flags. */
function optionText(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/**
 * Checks `args` against `options` before they are parsed strictly, so each mistake gets its own
 * message: an unknown option (with the nearest known one), a value missing, a value that starts with a
 * dash given after a space (read as an option: `--sort=-x` is how to give it), a value given to a flag.
 * @throws UsageError for the first mistake.
 */
export function checkOptions(args: readonly string[], options: Options): void {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const known = Object.keys(options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind !== 'option') {
      continue;
    }
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    const raw = token.rawName;
    if (spec === undefined) {
      const near = closest(`--${token.name}`, known);
      throw new UsageError(
        `unknown option ${raw}`,
        near !== undefined
          ? `did you mean ${near}`
          : known.length > 0
            ? `the options are ${known.join(', ')}`
            : 'this command takes no options',
      );
    }
    const long = `--${token.name}`;
    if (spec.type === 'string' && token.value === undefined) {
      throw new UsageError(`${raw} needs a value`, `write ${long} <value> or ${long}=<value>`);
    }
    // As util.parseArgs: `-` alone is a value (standard output or input), `-x` reads as an option.
    if (spec.type === 'string' && !token.inlineValue && token.value !== '-' && token.value?.startsWith('-')) {
      throw new UsageError(
        `${raw} needs a value, and "${token.value}" after it reads as an option`,
        `for a value starting with -, write ${long}=${token.value}`,
      );
    }
    if (spec.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(
        `${optionText(token.name)} takes no value ("${token.value}")`,
        `write ${long} alone`,
      );
    }
  }
}
