/**
 * A problem with the user's input (a config file, a data file, a CLI argument) that the user can fix.
 * The CLI maps it to exit code 2; the extension shows it as a diagnostic or a notification, never a crash.
 * `message` already names the file, position and the fix; `file`, `line` and `column` (1-based) are
 * kept separately so editors can place a diagnostic.
 */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
    /** 1-based end position, where known, for a diagnostic range. */
    readonly endLine?: number,
    readonly endColumn?: number,
  ) {
    super(message);
  }
}

/** Raised when an operation stops because its `AbortSignal` fired. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled') {
    super(message);
  }
}

/** Formats `file:line:col` (1-based), omitting the parts that are unknown. */
export function formatLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) {
    return file;
  }
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}
