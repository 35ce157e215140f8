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
 * The validators of the messages a view posts, one per message type: each takes the payload (already known
 * to be an object) and returns the typed payload, or a string saying what is wrong with it. A mapped type
 * over the view's map, so a message type added to the map does not compile until it has a validator.
 */
export type PayloadValidators<Map extends { [K in keyof Map]: object }> = {
  readonly [K in keyof Map]: (payload: Record<string, unknown>) => Map[K] | string;
};

/** The validators of {@link PageViewMessages}, shared by every view. */
const pageValidators: PayloadValidators<PageViewMessages> = {
  'webview/ready': (p) => (p.version === 1 ? { version: 1 } : '"webview/ready" needs payload.version 1'),
  'webview/error': (p) =>
    typeof p.message === 'string'
      ? { message: p.message.slice(0, MAX_VIEW_ERROR_LENGTH) }
      : '"webview/error" needs a string payload.message',
};

/**
 * Runs the validator of `type` from `validators`, if it has one (an own key: names such as `__proto__` or
 * `constructor` are not message types).
 * @returns the typed message, a string saying what is wrong with it, or undefined when `type` has no validator.
 */
function validateWith<Map extends { [K in keyof Map]: object }>(
  validators: PayloadValidators<Map>,
  type: string,
  payload: Record<string, unknown>,
): MessageOf<Map> | string | undefined {
  if (!Object.hasOwn(validators, type)) {
    return undefined;
  }
  const key = type as keyof Map;
  const checked = validators[key](payload);
  return typeof checked === 'string' ? checked : { type: key, payload: checked };
}

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
  return validateWith(pageValidators, type, p) ?? parseOwn(type, p);
}

/**
 * Validates a message received from an (untrusted) view whose own messages (those of `Map` beyond
 * {@link PageViewMessages}) are checked by `validators`, one per type; any other type is refused.
 * @returns the typed message, or a string saying what is wrong with it (e.g. `unknown message type "x"`).
 */
export function parseViewMessageOf<Map extends PageViewMessages & { [K in keyof Map]: object }>(
  value: unknown,
  validators: PayloadValidators<Omit<Map, keyof PageViewMessages>>,
): MessageOf<Map> | string {
  return parseViewMessage(
    value,
    (type, p) =>
      (validateWith(validators, type, p) as MessageOf<Map> | string | undefined) ??
      `unknown message type "${type.slice(0, 100)}"`,
  ) as MessageOf<Map> | string;
}
