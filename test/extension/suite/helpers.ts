/** Shared helpers of the extension-host suite (bundled into each test file). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XlensApi } from '../../../src/features/api';

export const EXTENSION_ID = 'xlens.experiment-lens';

interface Manifest {
  contributes?: { commands?: { command: string; title: string }[] };
}

/** The extension's package.json as installed. */
export function manifest(): Manifest {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not installed`);
  }
  return JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8')) as Manifest;
}

/** The first workspace folder (the example workspace the runner opened). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    throw new Error('no workspace folder is open');
  }
  return folder.uri.fsPath;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`,
  );
}

/** The API `activate()` returns, after activation and the first read of xlens.yaml and the runs. */
export async function xlensApi(): Promise<XlensApi> {
  const extension = vscode.extensions.getExtension<XlensApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not installed`);
  }
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** Tabs showing a webview of `viewType` (VS Code prefixes the type it reports with the extension's). */
export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType));
}

/** The warnings and errors the extension logged since {@link problemsOf} (or the last `clear()`). */
export interface Problems {
  readonly messages: string[];
  clear(): void;
  dispose(): void;
}

/** Collects what the extension logs as warnings and errors (the API's `onDidLogProblem`) matching `filter`. */
export function problemsOf(api: XlensApi, filter: RegExp): Problems {
  const messages: string[] = [];
  const subscription = api.onDidLogProblem((message) => {
    if (filter.test(message)) {
      messages.push(message);
    }
  });
  return {
    messages,
    clear: () => void messages.splice(0),
    dispose: () => subscription.dispose(),
  };
}

/**
 * Runs `action` (a command) and waits for the panel it opens, looked up with `find` in the API's open
 * panels. The panel is looked for every 20 ms from the start, so a test subscribing to its events right
 * after this resolves is in time for the view's first snapshot (the view loads its bundle first).
 * @param options.acceptQuickPick accept the selected item of quick picks the command shows meanwhile
 */
export async function panelOpenedBy<T>(
  action: () => Thenable<unknown>,
  find: () => T | undefined,
  options: { acceptQuickPick?: boolean; timeoutMs?: number } = {},
): Promise<T> {
  let failure: unknown;
  let done = false;
  const running = Promise.resolve(action()).then(
    () => (done = true),
    (error: unknown) => {
      done = true;
      failure = error ?? new Error('the command failed');
    },
  );
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    // Read before looking: a command that finished has registered its panel by then.
    const finished = done;
    const panel = find();
    if (panel !== undefined) {
      await running;
      return panel;
    }
    if (failure !== undefined) {
      throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    }
    if (finished) {
      throw new Error('the command finished without opening the panel');
    }
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for the panel the command opens');
    }
    if (options.acceptQuickPick) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
