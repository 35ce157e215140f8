/**
 * The `xlens.inline.*` settings of the editor previews, read when they change (no reload needed).
 * Names and defaults match `contributes.configuration` in package.json.
 */
import * as vscode from 'vscode';

/** What the previews show. */
export interface InlineSettings {
  /** `xlens.inline.enabled`: every preview on or off. */
  enabled: boolean;
  /** `xlens.inline.codeLens`, `xlens.inline.inlayHints`, `xlens.inline.hovers`. */
  codeLens: boolean;
  inlayHints: boolean;
  hovers: boolean;
  /** `xlens.inline.keyMetric`: the metric the previews rank runs by; undefined: chosen per task. */
  keyMetric?: string;
  /** `xlens.inline.runs`: how many recent runs of a task count (1..1000, default 20). */
  runs: number;
}

export const INLINE_SECTION = 'xlens.inline';

/** Reads the settings now. */
export function readInlineSettings(): InlineSettings {
  const c = vscode.workspace.getConfiguration(INLINE_SECTION);
  const keyMetric = c.get<unknown>('keyMetric', '');
  const runs = c.get<unknown>('runs', 20);
  return {
    enabled: c.get<boolean>('enabled', true) !== false,
    codeLens: c.get<boolean>('codeLens', true) !== false,
    inlayHints: c.get<boolean>('inlayHints', true) !== false,
    hovers: c.get<boolean>('hovers', true) !== false,
    keyMetric: typeof keyMetric === 'string' && keyMetric.trim() !== '' ? keyMetric.trim() : undefined,
    runs:
      typeof runs === 'number' && Number.isFinite(runs) ? Math.min(1000, Math.max(1, Math.floor(runs))) : 20,
  };
}
