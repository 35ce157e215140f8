/**
 * Params of a task: loaded from files (YAML or JSON) and inline maps, flattened to `a.b.c` keys, and
 * interpolated into paths as `${params.a.b.c}` (`run:` commands: see `commandParams.ts`).
 */
import type { ParamValue } from '../runs/types';
import { dict } from '../../shared/dict';

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
  /** `${params.x:raw}`: put into a `run:` command as shell text, not through a variable. */
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
  return matchPlaceholders(text).map((m) => m.placeholder);
}

/** The placeholders in `text` with their offsets (`index`, 0-based), in order. */
export function matchPlaceholders(text: string): { index: number; placeholder: Placeholder }[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => {
    const raw = match[1];
    const namespace = raw.startsWith('param') ? 'params' : 'runs';
    return {
      index: match.index,
      placeholder: {
        text: match[0],
        namespace,
        ...splitKey(namespace, match[2]),
        ...(raw === 'param' || raw === 'run' ? { misspelt: raw } : {}),
      },
    };
  });
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

/**
 * Flattens nested maps and lists to `a.b.c` / `a.0` keys with scalar values, in insertion order.
 * Dates become ISO strings; other non-scalars are JSON-encoded.
 */
export function flattenParams(
  value: unknown,
  prefix = '',
  into: Record<string, ParamValue> = dict<ParamValue>(),
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
 * `true` → true, `null` → null, anything else stays a string. An integer beyond 2^53 − 1
 * (`12345678901234567890`), which a number would round, stays a string, exactly as written.
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
    const n = Number(t);
    return /^[-+]?\d+$/.test(t) && !Number.isSafeInteger(n) ? t : n;
  }
  return text;
}
