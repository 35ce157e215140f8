/**
 * Where training code logs a metric or reads a param: one table per language (Python first), so a
 * language is added by adding rows. Each row is a regular expression over one line; the name is its
 * `name` group, or, for calls that take a dict (`mlflow.log_metrics({...})`, `wandb.log({...})`, the
 * metrics protocol's `"values": {...}`), every quoted key of the dict on that line.
 *
 * The calls recognised are the documented logging APIs of each library: MLflow `log_metric(key,
 * value, step)` / `log_metrics(dict)`, TensorBoard and tensorboardX `SummaryWriter.add_scalar(tag,
 * value, step)`, PyTorch Lightning `LightningModule.log(name, value)` / `log_dict(dict)`, DVCLive
 * `Live.log_metric(name, val)`, Weights & Biases `wandb.log(dict)`, Keras callbacks' `monitor=`
 * argument, and our metrics protocol (README, "Metrics protocol"). Param reads: argparse
 * `add_argument("--lr")`, subscripts `params["lr"]` and attributes `cfg.lr` (attributes count only for
 * names that are params, which the caller checks).
 */

/** What a row recognises. */
export type CodeMatchKind = 'metric' | 'param';

/** One row of a language's table. */
export interface CodePattern {
  kind: CodeMatchKind;
  /** The library or construct, shown in hovers (`MLflow`, `TensorBoard`, ...). */
  source: string;
  /** Matches the call; a `name` group gives the name, else the dict keys after the match are taken. */
  pattern: RegExp;
  /** True for attribute reads (`cfg.lr`): a name counts only when it is a known param. */
  onlyKnown?: boolean;
}

const Q = `(['"])(?<name>[^'"\\n]+)\\1`;

/** The Python table. */
export const PYTHON_PATTERNS: readonly CodePattern[] = [
  {
    kind: 'metric',
    source: 'MLflow',
    pattern: new RegExp(`\\bmlflow\\.log_metric\\(\\s*(?:key\\s*=\\s*)?${Q}`, 'g'),
  },
  { kind: 'metric', source: 'MLflow', pattern: /\bmlflow\.log_metrics\(\s*(?:metrics\s*=\s*)?\{/g },
  {
    kind: 'metric',
    source: 'TensorBoard',
    pattern: new RegExp(`\\.add_scalar\\(\\s*(?:tag\\s*=\\s*)?${Q}`, 'g'),
  },
  {
    kind: 'metric',
    source: 'Lightning',
    pattern: new RegExp(`\\bself\\.log\\(\\s*(?:name\\s*=\\s*)?${Q}`, 'g'),
  },
  { kind: 'metric', source: 'Lightning', pattern: /\bself\.log_dict\(\s*\{/g },
  {
    kind: 'metric',
    source: 'DVCLive',
    pattern: new RegExp(`\\b(?!mlflow\\.)\\w+\\.log_metric\\(\\s*${Q}`, 'g'),
  },
  { kind: 'metric', source: 'W&B', pattern: /\bwandb\.log\(\s*\{/g },
  { kind: 'metric', source: 'Keras', pattern: new RegExp(`\\bmonitor\\s*=\\s*${Q}`, 'g') },
  { kind: 'metric', source: 'metrics protocol', pattern: /(['"])values\1\s*:\s*\{/g },
  { kind: 'param', source: 'argparse', pattern: /\badd_argument\(\s*(['"])--?(?<name>[\w.-]+)\1/g },
  {
    kind: 'param',
    source: 'params',
    pattern: new RegExp(`\\b(?:params|param|cfg|config|conf|hparams|hp|args)(?:\\[|\\.get\\()\\s*${Q}`, 'g'),
  },
  {
    kind: 'param',
    source: 'params',
    pattern:
      /\b(?:params|cfg|config|conf|hparams|hp|args)\.(?<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\b(?!\s*\()/g,
    onlyKnown: true,
  },
];

/**
 * Words one of the table's rows needs on a line: a line without any is skipped without running the
 * rows (most lines of a training script), which keeps a 2,000-line file to about a millisecond.
 */
const PYTHON_TRIGGER =
  /log_metric|log_dict|add_scalar|self\.log|wandb\.log|monitor|values|add_argument|params|param\b|cfg|config|conf|hparams|hp\b|args/;

/** A name found in a line. Columns are 0-based, `end` exclusive, and span the name itself. */
export interface CodeMatch {
  kind: CodeMatchKind;
  name: string;
  source: string;
  start: number;
  end: number;
  /** True when the name counts only if it is a known param (see {@link CodePattern.onlyKnown}). */
  onlyKnown?: boolean;
}

const DICT_KEY = /(['"])([^'"\n]+)\1\s*:/g;

/** The quoted keys of the dict that starts at `from` in `line` (up to its closing brace on the line). */
function dictKeys(line: string, from: number): { name: string; start: number }[] {
  let depth = 1;
  let end = line.length;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const body = line.slice(from, end);
  const keys: { name: string; start: number }[] = [];
  for (const m of body.matchAll(DICT_KEY)) {
    // Only keys of this dict, not of dicts nested in it.
    const nested =
      (body.slice(0, m.index).match(/\{/g)?.length ?? 0) - (body.slice(0, m.index).match(/\}/g)?.length ?? 0);
    if (nested === 0) {
      keys.push({ name: m[2], start: from + m.index + 1 });
    }
  }
  return keys;
}

/**
 * The metric logs and param reads in one line of code, in column order, one per name position.
 * @param table the language's table (default {@link PYTHON_PATTERNS}).
 */
export function matchLine(line: string, table: readonly CodePattern[] = PYTHON_PATTERNS): CodeMatch[] {
  if (table === PYTHON_PATTERNS && !PYTHON_TRIGGER.test(line)) {
    return [];
  }
  const code = line.replace(/(^|\s)#.*$/, '$1');
  const found = new Map<number, CodeMatch>();
  for (const row of table) {
    row.pattern.lastIndex = 0;
    for (const m of code.matchAll(row.pattern)) {
      const name = m.groups?.name;
      if (name !== undefined) {
        const start = m.index + m[0].lastIndexOf(name);
        if (!found.has(start)) {
          found.set(start, {
            kind: row.kind,
            name: row.source === 'argparse' ? name.replace(/-/g, '_') : name,
            source: row.source,
            start,
            end: start + name.length,
            ...(row.onlyKnown ? { onlyKnown: true } : {}),
          });
        }
        continue;
      }
      for (const key of dictKeys(code, m.index + m[0].length)) {
        if (!found.has(key.start)) {
          found.set(key.start, {
            kind: row.kind,
            name: key.name,
            source: row.source,
            start: key.start,
            end: key.start + key.name.length,
          });
        }
      }
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start);
}

/** Every match of a file's text, by 0-based line. */
export function matchText(
  text: string,
  table: readonly CodePattern[] = PYTHON_PATTERNS,
): Map<number, CodeMatch[]> {
  const out = new Map<number, CodeMatch[]>();
  text.split(/\r?\n/).forEach((line, i) => {
    const matches = matchLine(line, table);
    if (matches.length > 0) {
      out.set(i, matches);
    }
  });
  return out;
}

/** The pattern table for a VS Code language id, or undefined when none exists yet. */
export function patternsFor(languageId: string): readonly CodePattern[] | undefined {
  return languageId === 'python' ? PYTHON_PATTERNS : undefined;
}
