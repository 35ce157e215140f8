/**
 * Params of a task: loaded from files (YAML or JSON) and inline maps, flattened to `a.b.c` keys, and
 * interpolated into commands and paths as `${params.a.b.c}`.
 */
import type { ParamValue } from '../runs/types';

/** `${params.name}` or `${runs.task.latest}`; other `${...}` (shell variables) are left alone. */
const PLACEHOLDER = /\$\{\s*(params|runs|param|run)\.([^}\s]+)\s*\}/g;

/** A placeholder found in a string. */
export interface Placeholder {
  /** The text as written, e.g. `${params.lr}`. */
  text: string;
  namespace: 'params' | 'runs';
  /** For params: the flattened key. For runs: `<task>.latest`. */
  key: string;
  /** Set when the namespace is a near miss (`param.`, `run.`). */
  misspelt?: string;
  /** `${params.x:raw}`: put into a `run:` command as written, not shell-quoted. */
  raw?: boolean;
}

/** The key of a placeholder and whether it asks for the raw value (`:raw`, params only). */
function splitKey(namespace: 'params' | 'runs', key: string): { key: string; raw?: boolean } {
  return namespace === 'params' && key.endsWith(':raw') && key.length > 4
    ? { key: key.slice(0, -4), raw: true }
    : { key };
}

/** Lists the `${params.*}` / `${runs.*}` placeholders in `text`. */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const raw = match[1];
    const namespace = raw.startsWith('param') ? 'params' : 'runs';
    found.push({
      text: match[0],
      namespace,
      ...splitKey(namespace, match[2]),
      ...(raw === 'param' || raw === 'run' ? { misspelt: raw } : {}),
    });
  }
  return found;
}

/** Formats a param value for interpolation into a command line or path (null → empty). */
export function paramText(value: ParamValue): string {
  return value === null ? '' : String(value);
}

/**
 * Replaces every `${params.x}` and `${runs.<task>.latest}` in `text`.
 * @param lookup returns the replacement for a placeholder, or throws (unknown param, no run yet).
 */
export function interpolate(text: string, lookup: (placeholder: Placeholder) => string): string {
  return text.replace(PLACEHOLDER, (whole: string, raw: string, key: string) => {
    const namespace = raw.startsWith('param') ? 'params' : 'runs';
    return lookup({ text: whole, namespace, ...splitKey(namespace, key) });
  });
}

/** Where a placeholder stands in a `/bin/sh` command line. */
type ShellContext = 'plain' | 'single' | 'double';

/**
 * Replaces the placeholders of a `run:` command (run by `/bin/sh -c`) so that each value reaches the
 * command as exactly one word, whatever it holds (spaces, quotes, `$`, `;`, `*`): a value that is not
 * a plain token (letters, digits, `_@%+=:,./-`) is single-quoted POSIX-style where the placeholder
 * stands unquoted (`it's` → `'it'\''s'`), backslash-escaped (`\ " $ \``) inside double quotes, and
 * spliced with `'\''` inside single quotes. `${params.x:raw}` is put in as written (for a value that
 * holds several arguments on purpose). On Windows (`cmd.exe`) unquoted values are double-quoted.
 * @param lookup as for {@link interpolate}.
 */
export function interpolateCommand(text: string, lookup: (placeholder: Placeholder) => string): string {
  let out = '';
  let scanned = 0;
  let context: ShellContext = 'plain';
  for (const match of text.matchAll(PLACEHOLDER)) {
    const at = match.index;
    context = shellContextAfter(text.slice(scanned, at), context);
    const namespace = match[1].startsWith('param') ? 'params' : 'runs';
    const placeholder: Placeholder = { text: match[0], namespace, ...splitKey(namespace, match[2]) };
    const value = lookup(placeholder);
    out += text.slice(scanned, at) + (placeholder.raw ? value : quoteForShell(value, context));
    scanned = at + match[0].length;
  }
  return out + text.slice(scanned);
}

/** The quoting state of `/bin/sh` after reading `text` from state `context` (POSIX quoting rules). */
function shellContextAfter(text: string, context: ShellContext): ShellContext {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (context === 'single') {
      if (c === "'") {
        context = 'plain';
      }
    } else if (c === '\\') {
      i++; // escapes the next character (in double quotes only some, which is the same for us)
    } else if (c === '"') {
      context = context === 'double' ? 'plain' : 'double';
    } else if (c === "'" && context === 'plain') {
      context = 'single';
    }
  }
  return context;
}

/** `value` as one literal word for `/bin/sh` at a point in `context`. */
function quoteForShell(value: string, context: ShellContext): string {
  switch (context) {
    case 'single':
      return value.replace(/'/g, `'\\''`);
    case 'double':
      return value.replace(/[\\"$`]/g, '\\$&');
    case 'plain':
      if (/^[\w@%+=:,./-]+$/.test(value)) {
        return value;
      }
      return process.platform === 'win32'
        ? `"${value.replace(/"/g, '""')}"`
        : `'${value.replace(/'/g, `'\\''`)}'`;
  }
}

/**
 * Flattens nested maps and lists to `a.b.c` / `a.0` keys with scalar values, in insertion order.
 * Dates become ISO strings; other non-scalars are JSON-encoded.
 */
export function flattenParams(
  value: unknown,
  prefix = '',
  into: Record<string, ParamValue> = {},
): Record<string, ParamValue> {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    if (entries.length === 0 && prefix) {
      into[prefix] = Array.isArray(value) ? '[]' : '{}';
    }
    for (const [k, v] of entries) {
      flattenParams(v, prefix ? `${prefix}.${k}` : k, into);
    }
    return into;
  }
  if (prefix) {
    into[prefix] = toParamValue(value);
  }
  return into;
}

function toParamValue(value: unknown): ParamValue {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : String(value);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return JSON.stringify(value) ?? null;
}

/**
 * Parses a `--set key=value` value the way YAML reads a plain scalar: `10` → 10, `0.5` → 0.5,
 * `true` → true, `null` → null, anything else stays a string.
 */
export function parseParamOverride(text: string): ParamValue {
  const t = text.trim();
  if (t === 'true' || t === 'false') {
    return t === 'true';
  }
  if (t === 'null' || t === '~') {
    return null;
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    return Number(t);
  }
  return text;
}
