/**
 * Dictionaries keyed by names from data. Metric, param, tag, column and category names come from the
 * user's files, and `__proto__`, `constructor` or `toString` are real names there: on a plain `{}`,
 * `obj['__proto__'] = v` replaces the prototype (the value is lost) and `obj['constructor']` reads
 * `Object`'s member when the name was never set. A null-prototype object has no inherited members, so
 * every name is an ordinary own key, and it still serialises with `JSON.stringify` like a plain object.
 *
 * Use {@link dict} instead of `{}` for a `Record<string, T>` keyed by such names, {@link dictFrom}
 * instead of `Object.fromEntries`, {@link asDict} on objects from `JSON.parse` (own keys only, but an
 * absent `constructor` still reads `Object.prototype`'s), and {@link ownValue} to read one name from an
 * object of unknown origin (e.g. a message from a webview or a record from disk). A `Map` is the other
 * safe choice where no JSON shape is needed.
 *
 * Layer rule: pure, imports nothing (src/shared), so webviews use it too.
 */

/** An empty dictionary with no prototype: any string, `__proto__` included, is an ordinary key. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A {@link dict} holding `entries` (a later entry of the same name wins, as in `Object.fromEntries`). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [key, value] of entries) {
    out[key] = value;
  }
  return out;
}

/**
 * `value`'s own enumerable entries as a {@link dict} (a copy; `value` itself is returned when it
 * already has no prototype). For objects read with `JSON.parse`, whose `__proto__` key is an own
 * property but whose absent names still reach `Object.prototype`. `undefined` and `null` give an empty one.
 */
export function asDict<T>(value: Readonly<Record<string, T>> | null | undefined): Record<string, T> {
  if (value === null || value === undefined) {
    return dict<T>();
  }
  if (Object.getPrototypeOf(value) === null) {
    return value;
  }
  return dictFrom(Object.entries(value));
}

/** `record[name]` when `name` is an own property of `record`, else `undefined` (never an inherited member). */
export function ownValue<T>(
  record: Readonly<Record<string, T>> | null | undefined,
  name: string,
): T | undefined {
  return record !== null && record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}
