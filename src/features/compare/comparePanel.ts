/**
 * The compare view's host: one webview panel comparing a list of runs, following each through the shared
 * run followers (so running runs' curves grow here as in their dashboards), speaking the protocol of
 * `src/protocol/compare.ts`.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/base/emitter';
import type { RunFollowerLease, RunFollowers } from '../../core/runs/runFollowers';
import { assertNever, type MessageOf } from '../../protocol/messages';
import {
  DEFAULT_COMPARE_OPTIONS,
  parseCompareViewMessage,
  type CompareHostMessages,
  type CompareOptions,
  type CompareViewMessages,
} from '../../protocol/compare';
import { WebviewHost } from '../../webview/webviewHost';
import { Commands } from '../ids';
import { buildCompareSnapshot, type ComparedRunState } from './viewModel';

/** Snapshots sent while compared runs write points, at most one per this many ms. */
const UPDATE_INTERVAL_MS = 1000;

/** Logging used by the compare view; the extension's `LogOutputChannel` fits. */
export interface CompareLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One open compare view. */
export class ComparePanel extends WebviewHost<CompareHostMessages, CompareViewMessages> {
  private readonly leases: RunFollowerLease[];
  private options: CompareOptions;
  private pending: NodeJS.Timeout | undefined;
  private readonly onDidRenderEmitter = this.store.track(new Emitter<{ charts: number; ms: number }>());
  /** Fires when the view reports a snapshot's charts drawn. */
  readonly onDidRender: Event<{ charts: number; ms: number }> = this.onDidRenderEmitter.event;
  /** Resolves once every compared run has been read once (failures are logged, never thrown). */
  readonly loaded: Promise<void>;

  /**
   * @param runIds the compared runs, in order (the first is the baseline until the user picks another).
   * @throws Error when a run id is not one (nothing is followed then).
   */
  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly runIds: readonly string[],
    followers: RunFollowers,
    private readonly log?: CompareLog,
    options: CompareOptions = DEFAULT_COMPARE_OPTIONS,
  ) {
    super(panel, { title: `Compare ${runIds.length} runs`, bundle: 'compare', extensionUri });
    this.options = options;
    this.leases = [];
    try {
      for (const id of runIds) {
        this.leases.push(followers.follow(id));
      }
    } catch (error) {
      this.leases.forEach((lease) => lease.dispose());
      throw error;
    }
    for (const lease of this.leases) {
      this.store.track(lease);
      this.store.track(lease.follower.onDidChange(() => this.schedule()));
    }
    this.store.track({ dispose: () => clearTimeout(this.pending) });
    this.store.track(
      this.onDidRejectMessage((reason) => this.log?.warn(`compare view: ignored a message: ${reason}`)),
    );
    this.load();
    this.loaded = Promise.all(
      this.leases.map((lease, i) =>
        lease.follower.start().catch((error: unknown) => {
          this.log?.warn(`compare view: could not read run ${runIds[i]}: ${String(error)}`);
        }),
      ),
    ).then(() => this.schedule());
  }

  /** The chart options the view shows now. */
  get currentOptions(): CompareOptions {
    return this.options;
  }

  private states(): ComparedRunState[] {
    const states: ComparedRunState[] = [];
    this.leases.forEach((lease) => {
      const record = lease.follower.liveRecord;
      if (record) {
        states.push({ record, series: lease.follower.series });
      }
    });
    return states;
  }

  private schedule(): void {
    if (this.pending !== undefined || this.isDisposed) {
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (this.isReady) {
        this.post(this.snapshot());
      }
    }, UPDATE_INTERVAL_MS);
  }

  protected parseMessage(raw: unknown): MessageOf<CompareViewMessages> | string {
    return parseCompareViewMessage(raw);
  }

  protected snapshot(): MessageOf<CompareHostMessages> {
    const started = performance.now();
    const states = this.states();
    const payload = buildCompareSnapshot(states, this.options);
    this.options = payload.options;
    this.log?.info(
      `compare view: ${states.length} runs, ${payload.charts.length} charts built in ${Math.round(performance.now() - started)} ms`,
    );
    return { type: 'compare/snapshot', payload };
  }

  protected handle(message: Exclude<MessageOf<CompareViewMessages>, { type: 'webview/ready' }>): void {
    switch (message.type) {
      case 'webview/error':
        this.log?.warn(`compare view: ${message.payload.message}`);
        return;
      case 'compare/options':
        this.options = message.payload;
        this.post(this.snapshot());
        return;
      case 'compare/openDashboard':
        // Only the runs this view compares.
        if (!this.runIds.includes(message.payload.runId)) {
          this.log?.warn(`compare view: ignored a request for run ${JSON.stringify(message.payload.runId)}`);
          return;
        }
        void vscode.commands.executeCommand(Commands.openRunDashboard.id, message.payload.runId);
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
        void vscode.commands.executeCommand(Commands.compareCode.id, [...this.runIds]);
        return;
      default:
        assertNever(message);
    }
  }
}
