/**
 * Which columns of a predictions file hold the true label, the predicted label and the probabilities:
 * given by the user, or found by common names (`y`, `target`, `label`; `pred`, `prediction`;
 * `proba_<class>`, `p_<class>`, or one `proba`/`score` column). Every choice is said in words, so the
 * user sees what was evaluated.
 */
import { UserInputError } from '../base/errors';
import { didYouMean } from '../config/suggest';
import { splitNameList } from '../compare/nameList';

/** What the user asked for (CLI flags or `kind: eval` fields); all optional. */
export interface ColumnRequest {
  target?: string;
  pred?: string;
  /**
   * A prefix (`proba_`), one column name, or columns: a list, or a text of names separated by commas
   * (a name holding a comma quoted, `"p, yes"`; see `splitNameList`).
   */
  proba?: string | string[];
}

/** A probability column and the class it belongs to (null: the positive class of a binary score). */
export interface ProbaColumn {
  column: string;
  label: string | null;
}

/** The chosen columns, with a sentence per choice. */
export interface ColumnChoice {
  target: string;
  pred: string | null;
  proba: ProbaColumn[];
  said: string[];
}

const TARGET_NAMES = ['y', 'y_true', 'target', 'label', 'actual', 'truth', 'true', 'class'];
const PRED_NAMES = ['pred', 'y_pred', 'prediction', 'predicted', 'yhat', 'y_hat', 'predicted_label'];
const PROBA_PREFIXES = ['proba_', 'prob_', 'probability_', 'p_', 'score_'];
const SCORE_NAMES = ['proba', 'probability', 'prob', 'score', 'y_score', 'y_prob', 'y_proba'];

function byName(columns: readonly string[], names: readonly string[]): string | undefined {
  for (const name of names) {
    const found = columns.find((c) => c.toLowerCase() === name);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function needColumn(file: string, flag: string, column: string, columns: readonly string[]): void {
  if (!columns.includes(column)) {
    throw new UserInputError(
      `${file}: no column "${column}" (${flag}).${didYouMean(column, [...columns])} ` +
        `Columns: ${columns.join(', ')}.`,
      { file },
    );
  }
}

function prefixed(columns: readonly string[], prefix: string, except: string[]): ProbaColumn[] {
  return columns
    .filter((c) => c.startsWith(prefix) && c.length > prefix.length && !except.includes(c))
    .map((column) => ({ column, label: column.slice(prefix.length) }));
}

/**
 * Chooses the columns.
 * @param file the file's name for messages.
 * @param columns the file's columns in order.
 * @throws UserInputError when a named column is missing, or no target or nothing predicted is found.
 */
export function chooseColumns(
  file: string,
  columns: readonly string[],
  request: ColumnRequest,
): ColumnChoice {
  const said: string[] = [];
  let target = request.target;
  if (target !== undefined) {
    needColumn(file, '--target', target, columns);
  } else {
    target = byName(columns, TARGET_NAMES);
    if (target !== undefined) {
      said.push(`target: column "${target}" (found by name; --target to choose another)`);
    }
  }
  let pred: string | null = null;
  if (request.pred !== undefined) {
    needColumn(file, '--pred', request.pred, columns);
    pred = request.pred;
  } else {
    pred = byName(columns, PRED_NAMES) ?? null;
    if (pred === target) {
      pred = null;
    } else if (pred !== null) {
      said.push(`predicted labels: column "${pred}" (found by name; --pred to choose another)`);
    }
  }
  const used = [...(target === undefined ? [] : [target]), ...(pred === null ? [] : [pred])];
  let proba: ProbaColumn[] = [];
  if (request.proba !== undefined) {
    // A text (`proba:` of xlens.yaml) is a name list as the CLI's `--proba`: `a,"p, yes"`.
    const names = Array.isArray(request.proba)
      ? request.proba.map((s) => s.trim()).filter((s) => s !== '')
      : splitNameList(request.proba, 'proba');
    if (names.length === 1 && !columns.includes(names[0])) {
      proba = prefixed(columns, names[0], used);
      if (proba.length === 0) {
        throw new UserInputError(
          `${file}: --proba ${names[0]}: no column has this name or starts with it. Columns: ${columns.join(', ')}.`,
          { file },
        );
      }
    } else {
      names.forEach((n) => needColumn(file, '--proba', n, columns));
      proba =
        names.length === 1
          ? [{ column: names[0], label: null }]
          : names.map((column) => ({ column, label: classOfColumn(column) }));
    }
  } else {
    for (const prefix of PROBA_PREFIXES) {
      proba = prefixed(columns, prefix, used);
      if (proba.length > 0) {
        break;
      }
    }
    if (proba.length === 0) {
      const score = byName(
        columns.filter((c) => !used.includes(c)),
        SCORE_NAMES,
      );
      proba = score === undefined ? [] : [{ column: score, label: null }];
    }
    if (proba.length > 0) {
      said.push(
        `probabilities: ${proba.map((p) => `"${p.column}"`).join(', ')} (found by name; --proba to choose others)`,
      );
    }
  }
  if (target === undefined) {
    const rest = columns.filter((c) => c !== pred && !proba.some((p) => p.column === c));
    if (rest.length !== 1) {
      throw new UserInputError(
        `${file}: no column of true labels found by name (${TARGET_NAMES.join(', ')}); ` +
          `name it with --target <column>. Columns: ${columns.join(', ')}.`,
        { file },
      );
    }
    target = rest[0];
    said.push(`target: column "${target}" (the only other column; --target to choose another)`);
  }
  if (pred === null && proba.length === 0) {
    throw new UserInputError(
      `${file}: no predictions found: no column named ${PRED_NAMES.join(', ')}, and no probability ` +
        `columns (proba_<class>, p_<class>, or one proba/score column). Name them with --pred <column> ` +
        `or --proba <prefix|columns>. Columns: ${columns.join(', ')}.`,
      { file },
    );
  }
  return { target, pred, proba, said };
}

/** The class a listed probability column stands for: the part after the last `_`, or the name. */
function classOfColumn(column: string): string {
  const cut = column.lastIndexOf('_');
  return cut >= 0 && cut < column.length - 1 ? column.slice(cut + 1) : column;
}
