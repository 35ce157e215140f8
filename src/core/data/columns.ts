/** Checks and messages about column names shared by every reader. */
import { UserInputError } from '../base/errors';
import { closest } from '../config/suggest';

/**
 * @throws UserInputError when a name appears twice (naming both positions, 1-based).
 */
export function checkColumnNames(names: string[], file: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserInputError(
        `${file}:1: column name "${name}" appears twice (columns ${first + 1} and ${i + 1}). Rename one of them.`,
        { file, line: 1, column: i + 1 },
      );
    }
    seen.set(name, i);
  });
}

/** The error for a requested column that the file does not have, listing the ones it has. */
export function missingColumnError(file: string, column: string, available: string[]): UserInputError {
  const list = available.length > 12 ? `${available.slice(0, 12).join(', ')}, …` : available.join(', ');
  const near = closest(column, available);
  return new UserInputError(
    `${file}: no column "${column}".${near !== undefined ? ` Did you mean "${near}"?` : ''} ` +
      `The file has: ${list}. Fix the column name (names are case-sensitive).`,
    { file },
  );
}
