/** Checks and messages about column names shared by every reader. */
import { UserInputError } from '../base/errors';
import { formatNameList } from '../compare/nameList';
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

/**
 * The error for a requested column that the file does not have, listing the ones it has (a name holding
 * a comma quoted as in a list of names, `splitNameList`). When the column is a piece of such a name
 * (`temp max` of `temp max, °C`: a list split at the name's comma), the error says how to quote it.
 */
export function missingColumnError(file: string, column: string, available: string[]): UserInputError {
  const shown = available.map((name) => formatNameList([name]));
  const list = shown.length > 12 ? `${shown.slice(0, 12).join(', ')}, …` : shown.join(', ');
  const split = available.find(
    (name) => name.includes(',') && name.split(',').some((piece) => piece.trim() === column.trim()),
  );
  const near = split === undefined ? closest(column, available) : undefined;
  return new UserInputError(
    `${file}: no column "${column}".${near !== undefined ? ` Did you mean "${near}"?` : ''}` +
      (split !== undefined
        ? ` A list of names is split at its commas, so quote this one in it: ${formatNameList([split])}.`
        : '') +
      ` The file has: ${list}. Fix the column name (names are case-sensitive).`,
    { file },
  );
}
