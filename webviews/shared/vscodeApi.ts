/**
 * The webview side of the VS Code API: `acquireVsCodeApi()` may be called once per page, so every view
 * goes through {@link getVsCodeApi}. Typed by the view's outbound messages and saved state.
 * Outside a webview (a plain page in tests) a stand-in keeps state in memory and drops messages.
 */

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => RawVsCodeApi) | undefined;

/** The API as a view uses it. */
export interface VsCodeApi<Outbound, State> {
  postMessage(message: Outbound): void;
  /** State saved by {@link setState} before the page was discarded (hidden panel, window reload). */
  getState(): State | undefined;
  /** Saves JSON-serialisable state that survives the page being hidden and restored. */
  setState(state: State): void;
}

let raw: RawVsCodeApi | undefined;

/** Returns the page's API, acquiring it on first use. */
export function getVsCodeApi<Outbound, State>(): VsCodeApi<Outbound, State> {
  if (!raw) {
    if (typeof acquireVsCodeApi === 'function') {
      raw = acquireVsCodeApi();
    } else {
      let state: unknown;
      raw = {
        postMessage: () => undefined,
        getState: () => state,
        setState: (next) => {
          state = next;
        },
      };
    }
  }
  const api = raw;
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => api.getState() as State | undefined,
    setState: (state) => api.setState(state),
  };
}
