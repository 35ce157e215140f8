/**
 * The run dashboard's host: one webview panel per run, following the run's files through a
 * {@link RunFollower} and speaking the protocol of `src/protocol/dashboard.ts` — a snapshot on every
 * `webview/ready`, then updates as lines land in `metrics.jsonl` and `output.log` or `run.json` changes.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/base/emitter';
import { Commands } from '../ids';
import type { MessageOf } from '../../protocol/messages';
import { assertNever } from '../../protocol/messages';
import {
  parseDashboardViewMessage,
  type DashboardHostMessages,
  type DashboardReportSection,
  type DashboardRendered,
  type DashboardUpdate,
  type DashboardViewMessages,
} from '../../protocol/dashboard';
import { WebviewHost } from '../../webview/webviewHost';
import { runArtifactSections } from '../../core/report/artifactSections';
import type { ImportedFollower } from '../../core/runs/importedFollower';
import type { RunChange, RunFollower } from '../../core/runs/runFollower';
import { buildHeader, buildParams, buildSnapshot, ChartTracker, type RunState } from './viewModel';

/** Most log lines sent in one update (the view shows the end of the log). */
const LOG_APPEND_LINES = 200;

/** What a dashboard follows: a run folder of the store ({@link RunFollower}) or an imported run. */
export type DashboardFollower = RunFollower | ImportedFollower;

export type { DashboardSavedState } from './savedState';

/** Logging used by the dashboard; the extension's `LogOutputChannel` fits. */
export interface DashboardLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One open dashboard. */
export class DashboardPanel extends WebviewHost<DashboardHostMessages, DashboardViewMessages> {
  private readonly charts = new ChartTracker();
  private readonly onDidRenderEmitter = this.store.track(new Emitter<DashboardRendered>());
  /** Fires when the view reports a snapshot's charts drawn. */
  readonly onDidRender: Event<DashboardRendered> = this.onDidRenderEmitter.event;
  /**
   * Resolves after the first read of the run folder (or the imported run's source). Never rejects: a
   * failed start is logged and shown in the view's header as the run's error.
   */
  readonly loaded: Promise<void>;
  private loadError: string | undefined;
  /** Result charts from the run's artifacts, read once the run has ended. */
  private reports: DashboardReportSection[] = [];
  /** `endedAt` of the record the reports were read for. */
  private reportsFor: string | undefined;
  /** Metrics a report section charts over time (a monitor's): not charted again by step. */
  private covered: ReadonlySet<string> = new Set();

  /**
   * @param runId the run's id, or for an imported run its key in the Runs view.
   * @param follower what reads the run (a run folder's follower may be shared with other views).
   * @param release disposed with the panel: the follower itself (the default), or the panel's lease
   *   of a shared follower.
   */
  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly runId: string,
    private readonly follower: DashboardFollower,
    private readonly log?: DashboardLog,
    release: { dispose(): void } = follower,
  ) {
    super(panel, { title: `Run ${runId}`, bundle: 'dashboard', extensionUri });
    this.store.track(release);
    this.store.track(this.follower.onDidChange((change) => this.onRunChange(change)));
    this.store.track(
      this.onDidRejectMessage((reason) => this.log?.warn(`dashboard ${runId}: ignored a message: ${reason}`)),
    );
    this.load();
    this.loaded = this.follower.start().then(
      () => this.updateTitle(),
      (error: unknown) => this.failedToLoad(error),
    );
  }

  private failedToLoad(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.loadError = `could not read this run: ${reason}`;
    this.log?.warn(`dashboard ${this.runId}: ${this.loadError}`);
    if (!this.isDisposed && this.isReady) {
      const state = this.state();
      this.post({ type: 'dashboard/update', payload: { header: buildHeader(state) } });
    }
  }

  private state(): RunState {
    const f = this.follower;
    return {
      runId: this.runId,
      // The same record the Runs view and the status bar show (summaries as far as the points read).
      record: 'liveRecord' in f ? f.liveRecord : f.record,
      series: this.covered.size === 0 ? f.series : withoutCovered(f.series, this.covered),
      lastStep: f.lastStep,
      log: f.log,
      warnings: f.warnings,
      missing: f.missing,
      imported: 'imported' in f ? f.imported : undefined,
      reports: this.reports,
      error: this.loadError ?? ('readError' in f ? f.readError : undefined),
    };
  }

  protected parseMessage(raw: unknown): MessageOf<DashboardViewMessages> | string {
    return parseDashboardViewMessage(raw);
  }

  protected snapshot(): MessageOf<DashboardHostMessages> {
    const started = performance.now();
    this.refreshReports();
    const state = this.state();
    const payload = buildSnapshot(state);
    this.charts.reset(state.series);
    const shown = payload.series.reduce((max, s) => Math.max(max, s.shown), 0);
    const total = payload.series.reduce((max, s) => Math.max(max, s.total), 0);
    this.log?.info(
      `dashboard ${this.runId}: snapshot of ${payload.charts.length} charts, ${payload.series.length} metrics, ` +
        `at most ${shown} of ${total} points per series, built in ${Math.round(performance.now() - started)} ms`,
    );
    return { type: 'dashboard/snapshot', payload };
  }

  protected handle(message: Exclude<MessageOf<DashboardViewMessages>, { type: 'webview/ready' }>): void {
    switch (message.type) {
      case 'webview/error':
        this.log?.warn(`dashboard ${this.runId}: ${message.payload.message}`);
        return;
      case 'dashboard/rendered':
        this.log?.info(
          `dashboard ${this.runId}: drew ${message.payload.charts} charts (at most ${message.payload.maxPoints} points ` +
            `per series) ${Math.round(message.payload.ms)} ms after the view started`,
        );
        this.onDidRenderEmitter.fire(message.payload);
        return;
      case 'dashboard/showOutput':
        // The view may only ask for its own run's output (imported runs have none of ours).
        if (message.payload.runId !== this.runId || 'imported' in this.follower) {
          this.log?.warn(
            `dashboard ${this.runId}: ignored a request for the output of ${JSON.stringify(message.payload.runId)}`,
          );
          return;
        }
        void vscode.commands.executeCommand(Commands.showRunOutput.id, this.runId);
        return;
      default:
        assertNever(message);
    }
  }

  private onRunChange(change: RunChange): void {
    if (change.record || change.info) {
      this.updateTitle();
    }
    if (!this.isReady) {
      // The snapshot sent on the next ready carries this change.
      return;
    }
    const state = this.state();
    const update: DashboardUpdate = {
      header: buildHeader(state),
      ...this.charts.diff(state.series, change.appended, change.reset),
    };
    if (change.record || change.info) {
      update.params = buildParams(state);
      const covered = this.covered;
      if (this.refreshReports()) {
        if (this.covered.size > 0 || covered.size > 0) {
          // The charts by step of the metrics a report now charts over time go: draw anew.
          this.postSnapshot();
          return;
        }
        update.reports = this.reports;
      }
    }
    if (change.logLines.length > 0) {
      // The view keeps the end of the log: a burst longer than that is cut here, not sent.
      update.logAppend = change.logLines.slice(-LOG_APPEND_LINES);
    }
    if (change.warnings.length > 0) {
      update.warnings = change.warnings;
    }
    this.post({ type: 'dashboard/update', payload: update });
  }

  /**
   * Reads the result charts of the run's artifacts (evaluation, monitor) when the run has ended and they
   * were not read for this end yet. Returns true when they were read.
   */
  private refreshReports(): boolean {
    const f = this.follower;
    const endedAt = 'imported' in f ? undefined : f.record?.endedAt;
    if ('imported' in f || endedAt === undefined || endedAt === this.reportsFor) {
      return false;
    }
    this.reportsFor = endedAt;
    const sections = runArtifactSections(f.runDir);
    this.reports = sections.map(({ covers: _covers, ...section }) => section);
    this.covered = new Set(sections.flatMap((s) => s.covers));
    if (this.reports.length > 0) {
      this.log?.info(
        `dashboard ${this.runId}: ${this.reports.map((r) => `${r.id} (${r.charts.length} charts)`).join(', ')} from its artifacts`,
      );
    }
    return true;
  }

  private updateTitle(): void {
    if (this.isDisposed) {
      return;
    }
    const f = this.follower;
    if ('imported' in f) {
      this.panel.title = `${f.imported.name} · ${f.imported.source.format}`;
    } else if (f.record) {
      this.panel.title = `${f.record.task} · ${this.runId}`;
    }
  }
}

/** `series` without the metrics in `covered`. */
function withoutCovered<T>(series: ReadonlyMap<string, T>, covered: ReadonlySet<string>): Map<string, T> {
  return new Map([...series].filter(([name]) => !covered.has(name)));
}
