/**
 * Where in a file a {@link UserInputError} is, for editors to place a diagnostic. Positions are 1-based
 * (line and column of the `yaml` library's ranges, of CSV rows, ...); each part is optional.
 */
export interface UserInputErrorOptions {
  /** The file at fault (absolute or as the user named it). */
  file?: string;
  line?: number;
  column?: number;
  /** End position, where known, for a diagnostic range. */
  endLine?: number;
  endColumn?: number;
}

/**
 * A problem with the user's input (a config file, a data file, a CLI argument) that the user can fix.
 * The CLI maps it to exit code 2; the extension shows it as a diagnostic or a notification, never a crash.
 * `message` already names the file, position and the fix; `file`, `line` and `column` (1-based) are
 * kept separately so editors can place a diagnostic.
 */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** 1-based end position, where known, for a diagnostic range. */
  readonly endLine?: number;
  readonly endColumn?: number;

  /**
   * @param message shown as it is: names the file, the position and the fix.
   * @param where the file and 1-based position, when the problem is in a file.
   */
  constructor(message: string, where: UserInputErrorOptions = {}) {
    super(message);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.endLine = where.endLine;
    this.endColumn = where.endColumn;
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
