/**
 * The one lazy-webview pattern: a view's panel code (view models, chart specs, report readers) is
 * reached only through a dynamic `import()`, so activation evaluates none of it. Each view's
 * `registration.ts` describes its view as a {@link LazyWebview} and uses the helpers below for its
 * panel serializer and the commands that open it.
 */
import * as vscode from 'vscode';

/** A webview whose panel code loads on first use. */
export interface LazyWebview<Code> {
  /** The registered view type (package.json activation event `onWebviewPanel:<viewType>`). */
  readonly viewType: string;
  /**
   * Imports the panel code: a dynamic `import()` of the view's module. A failed import (e.g. the bundle
   * replaced mid-update) rejects this call only; the next call tries again.
   */
  readonly load: () => Promise<Code>;
}

/**
 * Wraps `run` so that it first loads the view's panel code, then runs with it.
 * @param view the view whose code `run` needs.
 * @param run what to do with the loaded code, given the wrapper's arguments.
 * @returns a function with `run`'s arguments (without the code) that resolves with `run`'s result.
 */
export function lazily<Code, Args extends unknown[], Result>(
  view: LazyWebview<Code>,
  run: (code: Code, ...args: Args) => Result | Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args: Args) => run(await view.load(), ...args);
}

/**
 * Registers the serializer of `view.viewType`, so panels open before a window reload come back. It is
 * registered at activation and stays light: the view's code loads only when a panel is restored.
 * @param restore re-creates the panel's host from the state the view saved with `setState`.
 */
export function registerLazySerializer<Code>(
  view: LazyWebview<Code>,
  restore: (code: Code, panel: vscode.WebviewPanel, state: unknown) => Promise<void>,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(view.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      await restore(await view.load(), panel, state);
    },
  });
}
