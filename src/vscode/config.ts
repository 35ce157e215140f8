/**
 * The extension's settings as one typed object, rebuilt when any `xlens.*` setting changes.
 * Setting names and defaults match `contributes.configuration` in package.json.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../core/base/disposable';
import { Emitter, type Event } from '../core/base/emitter';

/** Every setting of the extension. */
export interface XlensConfig {
  /** `xlens.runs.keyMetrics`: metric names shown in run descriptions; empty = chosen automatically. */
  keyMetrics: string[];
  /** `xlens.statusBar.enabled`: show running runs in the status bar. */
  statusBarEnabled: boolean;
  /** `xlens.imported.enabled`: list runs found in TensorBoard, MLflow, DVCLive and CSV logs. */
  importedEnabled: boolean;
}

const SECTION = 'xlens';

function read(): XlensConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const keyMetrics = c.get<unknown>('runs.keyMetrics', []);
  return {
    keyMetrics: Array.isArray(keyMetrics) ? keyMetrics.filter((m): m is string => typeof m === 'string') : [],
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true),
    importedEnabled: c.get<boolean>('imported.enabled', true),
  };
}

/** Holds the current settings and fires {@link onDidChange} with the new object when they change. */
export class ConfigService implements Disposable {
  private value = read();
  private readonly emitter = new Emitter<XlensConfig>();
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) {
      this.value = read();
      this.emitter.fire(this.value);
    }
  });
  readonly onDidChange: Event<XlensConfig> = this.emitter.event;

  get current(): XlensConfig {
    return this.value;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
