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
  /** `xlens.inline.*`: the editor previews (CodeLens, inlay hints, hovers) of `features/inline`. */
  inline: InlineSettings;
}

/** What the editor previews show (`xlens.inline.*`). */
export interface InlineSettings {
  /** `xlens.inline.enabled`: every preview on or off. */
  enabled: boolean;
  /** `xlens.inline.codeLens`, `xlens.inline.inlayHints`, `xlens.inline.hovers`: each kind on or off. */
  codeLens: boolean;
  inlayHints: boolean;
  hovers: boolean;
  /** `xlens.inline.keyMetric`: the metric previews rank runs by; undefined: chosen per task. */
  keyMetric?: string;
  /** `xlens.inline.runs`: how many recent runs of a task count (1..1000, default 20). */
  runs: number;
}

const SECTION = 'xlens';

function read(): XlensConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const keyMetrics = c.get<unknown>('runs.keyMetrics', []);
  return {
    keyMetrics: Array.isArray(keyMetrics) ? keyMetrics.filter((m): m is string => typeof m === 'string') : [],
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true),
    importedEnabled: c.get<boolean>('imported.enabled', true),
    inline: readInline(c),
  };
}

function readInline(c: vscode.WorkspaceConfiguration): InlineSettings {
  const keyMetric = c.get<string | null>('inline.keyMetric', null);
  const runs = c.get<number>('inline.runs', 20);
  return {
    enabled: c.get<boolean>('inline.enabled', true) !== false,
    codeLens: c.get<boolean>('inline.codeLens', true) !== false,
    inlayHints: c.get<boolean>('inline.inlayHints', true) !== false,
    hovers: c.get<boolean>('inline.hovers', true) !== false,
    keyMetric: typeof keyMetric === 'string' && keyMetric.trim() !== '' ? keyMetric.trim() : undefined,
    runs:
      typeof runs === 'number' && Number.isFinite(runs) ? Math.min(1000, Math.max(1, Math.floor(runs))) : 20,
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
