/**
 * The compare view's host: one webview panel comparing a list of runs, following each through the shared
 * run followers (so running runs' curves grow here as in their dashboards), speaking the protocol of
 * `src/protocol/compare.ts`.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/base/emitter';
import { Throttle } from '../../core/base/throttle';
import { isImportedRecordId } from '../../core/runs/importedRecord';
import { assertNever, type MessageOf } from '../../protocol/messages';
import {
  DEFAULT_COMPARE_OPTIONS,
  parseCompareViewMessage,
  type CompareHostMessages,
  type CompareOptions,
  type CompareSnapshot,
  type CompareViewMessages,
} from '../../protocol/compare';
import { WebviewHost } from '../../webview/webviewHost';
import { Commands } from '../ids';
import type { ComparedRun } from './comparedRuns';
import { buildCompareSnapshot, type ComparedRunState, type SnapshotPart } from './viewModel';

/** Snapshots sent while compared runs write points, at most one per this many ms. */
const UPDATE_INTERVAL_MS = 1000;

/** Logging used by the compare view; the extension's `LogOutputChannel` fits. */
export interface CompareLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One open compare view. */
export class ComparePanel extends WebviewHost<CompareHostMessages, CompareViewMessages> {
  private readonly compared: ComparedRun[];
  private options: CompareOptions;
  /** Snapshots while runs change, at most one a second; at once when every run has been read. */
  private readonly updates = new Throttle(UPDATE_INTERVAL_MS, () => {
    this.postSnapshot();
  });
  private readonly onDidRenderEmitter = this.store.track(
    new Emitter<CompareViewMessages['compare/rendered']>(),
  );
  /** Fires when the view reports every chart of a snapshot's revision drawn. */
  readonly onDidRender: Event<CompareViewMessages['compare/rendered']> = this.onDidRenderEmitter.event;
  /** Resolves once every compared run has been read once (failures are logged, never thrown). */
  readonly loaded: Promise<void>;
  /** The revision of the last snapshot (see `CompareSnapshot.revision`). */
  private revision = 0;
  /** The last snapshot made by {@link snapshot} (the first chart only). */
  private lastSent: CompareSnapshot | undefined;

  /**
   * @param runIds the compared runs, in order (the first is the baseline until the user picks another):
   *   ids of own runs or record ids of imported runs.
   * @param follow starts following one run (own or imported, see `comparedRuns.ts`).
   * @throws Error when `follow` throws for an id (nothing is followed then).
   */
  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly runIds: readonly string[],
    follow: (runId: string) => ComparedRun,
    private readonly log?: CompareLog,
    options: CompareOptions = DEFAULT_COMPARE_OPTIONS,
  ) {
    super(panel, { title: `Compare ${runIds.length} runs`, bundle: 'compare', extensionUri });
    this.options = options;
    this.compared = [];
    try {
      for (const id of runIds) {
        this.compared.push(follow(id));
      }
    } catch (error) {
      this.compared.forEach((run) => run.dispose());
      throw error;
    }
    for (const run of this.compared) {
      this.store.track(run);
      this.store.track(run.onDidChange(() => this.updates.schedule()));
    }
    this.store.track(this.updates);
    this.store.track(
      this.onDidRejectMessage((reason) => this.log?.warn(`compare view: ignored a message: ${reason}`)),
    );
    this.load();
    this.loaded = Promise.all(
      this.compared.map((run, i) =>
        run.ready.catch((error: unknown) => {
          this.log?.warn(`compare view: could not read run ${runIds[i]}: ${String(error)}`);
        }),
      ),
    ).then(() => this.updates.now());
  }

  /** The chart options the view shows now. */
  get currentOptions(): CompareOptions {
    return this.options;
  }

  private states(): ComparedRunState[] {
    const states: ComparedRunState[] = [];
    this.compared.forEach((run) => {
      const record = run.record;
      if (record) {
        states.push({ record, series: run.series });
      }
    });
    return states;
  }

  protected parseMessage(raw: unknown): MessageOf<CompareViewMessages> | string {
    return parseCompareViewMessage(raw);
  }

  /**
   * The snapshot with the first curves chart only, so the view starts drawing it while the host
   * downsamples the other metrics ({@link snapshotPosted} sends them).
   */
  protected snapshot(): MessageOf<CompareHostMessages> {
    this.lastSent = this.build({ revision: ++this.revision, charts: 1 });
    return { type: 'compare/snapshot', payload: this.lastSent };
  }

  /**
   * Once the snapshot with the first chart has left for the view, the charts it left out follow in a
   * snapshot of the same revision (built then, so they do not hold the first one back), unless a
   * newer snapshot was made meanwhile.
   */
  protected override snapshotPosted(delivery: Thenable<boolean>): void {
    const first = this.lastSent;
    if (first === undefined || first.pendingCharts === 0) {
      return;
    }
    Promise.resolve(delivery)
      .then((delivered) => {
        if (delivered && this.lastSent === first && this.isReady) {
          this.lastSent = undefined;
          this.post({ type: 'compare/snapshot', payload: this.build({ after: first }) });
        }
      })
      .catch((error: unknown) => {
        // The view keeps the first chart; the next change of the runs or options sends all again.
        this.log?.warn(`compare view: building the other charts failed: ${String(error)}`);
      });
  }

  private build(part: SnapshotPart): CompareSnapshot {
    const started = performance.now();
    const states = this.states();
    const unavailable = this.compared.flatMap((run) =>
      run.record === undefined && run.unavailable !== undefined ? [run.unavailable] : [],
    );
    const payload = buildCompareSnapshot(states, this.options, unavailable, part);
    this.options = payload.options;
    this.log?.info(
      `compare view: ${states.length} runs, ${payload.charts.length} of ${payload.charts.length + payload.pendingCharts} charts built in ${Math.round(performance.now() - started)} ms`,
    );
    return payload;
  }

  protected handle(message: Exclude<MessageOf<CompareViewMessages>, { type: 'webview/ready' }>): void {
    switch (message.type) {
      case 'webview/error':
        this.log?.warn(`compare view: ${message.payload.message}`);
        return;
      case 'compare/options':
        this.options = message.payload;
        this.postSnapshot();
        return;
      case 'compare/openDashboard':
        {
          // Only the runs this view compares.
          const index = this.runIds.indexOf(message.payload.runId);
          if (index < 0) {
            this.log?.warn(
              `compare view: ignored a request for run ${JSON.stringify(message.payload.runId)}`,
            );
            return;
          }
          void vscode.commands.executeCommand(
            Commands.openRunDashboard.id,
            ...this.compared[index].dashboardArgs(),
          );
        }
        return;
      case 'compare/rendered':
        this.onDidRenderEmitter.fire(message.payload);
        return;
      case 'compare/compareCode':
        // The view shows the button for two runs only.
        if (this.runIds.length !== 2) {
          this.log?.warn('compare view: Compare Code needs two runs');
          return;
        }
        if (this.runIds.some(isImportedRecordId)) {
          void vscode.window.showInformationMessage(
            'Experiment Lens: Compare Code needs two runs of this workspace; a run imported from another tool has no code recorded.',
          );
          return;
        }
        void vscode.commands.executeCommand(Commands.compareCode.id, [...this.runIds]);
        return;
      default:
        assertNever(message);
    }
  }
}
