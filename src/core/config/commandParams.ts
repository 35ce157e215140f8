/**
 * How `${params.x}` and `${runs.<task>.latest}` reach a `run:` command without ever becoming shell
 * text: the value goes to the child in an environment variable (`XLENS_PARAM_<NAME>`,
 * `XLENS_RUNS_<TASK>_LATEST`) and the placeholder becomes a quoted expansion of that variable, which
 * `/bin/sh` never parses again. Where no such expansion is read as the value (single quotes, a quoted
 * heredoc, a comment, backquotes, arithmetic, a `${v#pattern}`), the placeholder is refused.
 */
import { commandPlaceholders, type CommandPlaceholder } from './commandScan';
import type { Placeholder } from './params';
import { dict } from '../../shared/dict';

/** A `run:` command with its values bound. */
export interface BoundCommand {
  /** The text given to `/bin/sh -c`: placeholders replaced by expansions of the variables in `env`. */
  run: string;
  /** `XLENS_PARAM_*` / `XLENS_RUNS_*` variables the child needs, name → value. */
  env: Record<string, string>;
  /**
   * The command as written with the values put in, shell-quoted where needed, for `run.json` and
   * `xlens show` (display only: it is never run).
   */
  display: string;
}

/**
 * The environment variable that carries a placeholder's value: `XLENS_PARAM_` + the flattened key
 * upper-cased with every character other than `A-Z`, `0-9` turned into `_` (`model.lr` →
 * `XLENS_PARAM_MODEL_LR`, `run-name` → `XLENS_PARAM_RUN_NAME`), or `XLENS_RUNS_<TASK>_LATEST` for
 * `${runs.<task>.latest}`. {@link bindCommand} adds `_2`, `_3`… when two keys of one command map to
 * the same name.
 */
export function commandVariable(placeholder: Pick<Placeholder, 'namespace' | 'key'>): string {
  const name = (text: string): string => text.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return placeholder.namespace === 'params'
    ? `XLENS_PARAM_${name(placeholder.key)}`
    : `XLENS_RUNS_${name(placeholder.key.slice(0, placeholder.key.lastIndexOf('.')))}_LATEST`;
}

/**
 * Binds the values of a `run:` command (run by `/bin/sh -c`): each placeholder becomes `"${VAR}"` in
 * a word, `${VAR}` inside `"…"` or an unquoted heredoc body, and its value goes in `env` under the
 * name from {@link commandVariable}. `${params.x:raw}` is put in as written. On Windows (`cmd.exe`,
 * which re-reads expanded variables) values are put in double-quoted, as before.
 * @param lookup the value of a placeholder, or throws (unknown param, no run yet).
 * @param refuse called with the first refused placeholder (see {@link commandPlaceholders}); throws.
 * @param platform `win32` puts values into the text for `cmd.exe`; any other is a POSIX `/bin/sh`.
 * @throws whatever `lookup` or `refuse` throw (resolveTask: a UserInputError at the `run:` field).
 */
export function bindCommand(
  text: string,
  lookup: (placeholder: Placeholder) => string,
  refuse: (use: CommandPlaceholder) => never,
  platform: NodeJS.Platform = process.platform,
): BoundCommand {
  const env = dict<string>();
  const names = new Map<string, string>(); // `namespace:key` → variable
  let run = '';
  let display = '';
  let scanned = 0;
  for (const use of commandPlaceholders(text)) {
    if (use.form === 'refused') {
      refuse(use);
    }
    const value = lookup(use.placeholder);
    const before = text.slice(scanned, use.index);
    scanned = use.index + use.placeholder.text.length;
    if (use.form === 'raw') {
      run += before + value;
      display += before + value;
      continue;
    }
    if (platform === 'win32') {
      const quoted = /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/"/g, '""')}"`;
      run += before + quoted;
      display += before + quoted;
      continue;
    }
    const id = `${use.placeholder.namespace}:${use.placeholder.key}`;
    let name = names.get(id);
    if (name === undefined) {
      const base = commandVariable(use.placeholder);
      name = base;
      for (let n = 2; name in env; n++) {
        name = `${base}_${n}`;
      }
      names.set(id, name);
      env[name] = value;
    }
    run += before + (use.form === 'word' ? `"\${${name}}"` : `\${${name}}`);
    display += before + displayValue(value, use.form === 'word' ? 'word' : 'quoted');
  }
  return { run: run + text.slice(scanned), env, display: display + text.slice(scanned) };
}

/** `value` as a reader would type it at that place (for display only). */
function displayValue(value: string, form: 'word' | 'quoted'): string {
  if (form === 'quoted') {
    return value.replace(/[\\"$`]/g, '\\$&');
  }
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
