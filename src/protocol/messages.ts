/**
 * The envelope every webview message uses: `{ type, payload }`, drawn from a name → payload map per
 * direction (one protocol file per view declares its two maps). Types only, plus the tiny guards
 * both sides need; no imports, so the browser bundles and the host share it.
 */

/** A union of `{ type: K; payload: Map[K] }` over every key of `Map`. */
export type MessageOf<Map> = { [K in keyof Map]: { type: K; payload: Map[K] } }[keyof Map];

/** True when `value` has the `{ type: string, payload }` envelope shape (payload still unchecked). */
export function isEnvelope(value: unknown): value is { type: string; payload: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    'payload' in value
  );
}

/** For exhaustive `switch` statements over message types: a compile error when a case is missing. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
