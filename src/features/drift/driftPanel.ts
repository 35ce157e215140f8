/**
 * The drift report's host: one webview panel per report (a drift run, or two files compared), speaking
 * the protocol of `src/protocol/drift.ts` — a snapshot of the whole report on every `webview/ready`.
 * A report never changes once computed, so there are no updates.
 */
import type * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/base/emitter';
import type { DriftReport } from '../../core/drift/types';
import {
  parseDriftViewMessage,
  type DriftHostMessages,
  type DriftRendered,
  type DriftSnapshot,
  type DriftViewMessages,
  type DriftViewSource,
} from '../../protocol/drift';
import { assertNever, type MessageOf } from '../../protocol/messages';
import { WebviewHost } from '../../webview/webviewHost';
import { buildDriftSnapshot } from './viewModel';

/** Logging used by the panel; the extension's `LogOutputChannel` fits. */
export interface DriftPanelLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One open drift report. */
export class DriftPanel extends WebviewHost<DriftHostMessages, DriftViewMessages> {
  private readonly model: DriftSnapshot;
  private readonly onDidRenderEmitter = this.store.track(new Emitter<DriftRendered>());
  /** Fires when the view reports the snapshot's charts drawn. */
  readonly onDidRender: Event<DriftRendered> = this.onDidRenderEmitter.event;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    /** Identifies the report among open panels (run id, or the two paths). */
    readonly key: string,
    report: DriftReport,
    source: DriftViewSource,
    private readonly log?: DriftPanelLog,
  ) {
    const model = buildDriftSnapshot(report, source);
    super(panel, { title: model.title, bundle: 'drift', extensionUri });
    this.model = model;
    panel.title = model.title;
    this.store.track(
      this.onDidRejectMessage((reason) => this.log?.warn(`drift view ${key}: ignored a message: ${reason}`)),
    );
    this.load();
  }

  /** The snapshot the view is given. */
  get snapshotModel(): DriftSnapshot {
    return this.model;
  }

  protected parseMessage(raw: unknown): MessageOf<DriftViewMessages> | string {
    return parseDriftViewMessage(raw);
  }

  protected snapshot(): MessageOf<DriftHostMessages> {
    return { type: 'drift/snapshot', payload: this.model };
  }

  protected handle(message: Exclude<MessageOf<DriftViewMessages>, { type: 'webview/ready' }>): void {
    switch (message.type) {
      case 'webview/error':
        this.log?.warn(`drift view ${this.key}: ${message.payload.message}`);
        return;
      case 'drift/rendered':
        this.log?.info(
          `drift view ${this.key}: drew ${message.payload.charts} charts ${Math.round(message.payload.ms)} ms after the view started`,
        );
        this.onDidRenderEmitter.fire(message.payload);
        return;
      default:
        assertNever(message);
    }
  }
}
