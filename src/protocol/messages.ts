/**
 * The envelope every webview message uses: `{ type, payload }`, drawn from a name → payload map per
 * direction (one protocol file per view declares its two maps). Types, plus the tiny guards and the
 * validation both sides need; no imports, so the browser bundles and the host share it.
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

/** The messages every view posts to its host, whatever its own protocol (each view's map includes them). */
export interface PageViewMessages {
  /** The view has loaded its script and listens; the host answers with a snapshot. */
  'webview/ready': { version: 1 };
  /** Something failed in the view (a script error, a rejected promise, a CSP violation); logged by the host. */
  'webview/error': { message: string };
}

/** Longest `webview/error` message accepted from a view, in characters (longer ones are cut). */
export const MAX_VIEW_ERROR_LENGTH = 2000;

/**
 * Validates a message received from an (untrusted) view: the `{ type, payload }` envelope with an object
 * payload and the messages of {@link PageViewMessages} here; every other type goes to the view's own
 * `parseOwn`, which returns its typed message or what is wrong (e.g. `unknown message type "x"`).
 * @returns the typed message, or a string saying what is wrong with it.
 */
export function parseViewMessage<Own>(
  value: unknown,
  parseOwn: (type: string, payload: Record<string, unknown>) => Own | string,
): MessageOf<PageViewMessages> | Own | string {
  if (typeof value !== 'object' || value === null) {
    return 'message is not an object';
  }
  const { type, payload } = value as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string') {
    return 'message has no string "type"';
  }
  if (typeof payload !== 'object' || payload === null) {
    return `message "${type.slice(0, 100)}" has no object "payload"`;
  }
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'webview/ready':
      return p.version === 1 ? { type, payload: { version: 1 } } : '"webview/ready" needs payload.version 1';
    case 'webview/error':
      return typeof p.message === 'string'
        ? { type, payload: { message: p.message.slice(0, MAX_VIEW_ERROR_LENGTH) } }
        : '"webview/error" needs a string payload.message';
    default:
      return parseOwn(type, p);
  }
}
