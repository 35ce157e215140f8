/**
 * The experiments table's host: one webview panel listing every run of the workspace, speaking the
 * protocol of `src/protocol/table.ts`. It sends all rows and columns once per change of the runs (the
 * view sorts and virtualizes locally), evaluates filter queries with core's filter language, keeps the
 * layout per workspace, writes stars and notes to the runs' `annotations.json`, exports CSV and hands
 * selected runs to Compare Runs.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/base/emitter';
import { Throttle } from '../../core/base/throttle';
import { UserInputError } from '../../core/base/errors';
import type { Field, StepValueLookup } from '../../core/compare/fields';
import {
  loadImportedStepValues,
  loadStepValues,
  type ReadImportedSource,
} from '../../core/compare/stepValues';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import { readAnnotations, writeAnnotations, type RunAnnotations } from '../../core/runs/annotations';
import { readImportedAnnotations, writeImportedAnnotation } from '../../core/runs/importedAnnotations';
import { importedRunRecord } from '../../core/runs/importedRecord';
import { RunStore } from '../../core/runs/store';
import type { RunRecord } from '../../core/runs/types';
import { assertNever, type MessageOf } from '../../protocol/messages';
import {
  DEFAULT_TABLE_LAYOUT,
  parseTableViewMessage,
  validateTableLayout,
  type TableAggregate,
  type TableData,
  type TableHostMessages,
  type TableLayout,
  type TableQuery,
  type TableViewMessages,
} from '../../protocol/table';
import { WebviewHost } from '../../webview/webviewHost';
import { deltaRows, diffTable } from './tableDiff';
import { Commands } from '../ids';
import type { ImportedRunsModel } from '../imported/importedModel';
import type { RunsModel } from '../runs/runsModel';
import {
  buildTableData,
  columnValues,
  filterRows,
  metricColumn,
  patchTable,
  queryStepFields,
  rowUpdates,
  stepFields,
  tableCatalog,
  tableCsv,
} from './viewModel';

/** Snapshots sent while runs appear or change, at most one per this many ms. */
const UPDATE_INTERVAL_MS = 1000;
/** The workspace-state key of the layout. */
export const TABLE_LAYOUT_KEY = 'xlens.table.layout';
/** Annotation files read at once. */
const READ_CONCURRENCY = 32;

/** Logging used by the table; the extension's `LogOutputChannel` fits. */
export interface TableLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What the table needs from the composition root. */
export interface TablePanelServices {
  extensionUri: vscode.Uri;
  runs: RunsModel;
  /** Runs other tools logged in the workspace (TensorBoard, MLflow, ...), listed after the own runs. */
  imported?: ImportedRunsModel;
  /** Reads an imported run's source (the metrics worker), for its values at steps. */
  readImported?: ReadImportedSource;
  /** The workspace folder (its `.xlens/runs` holds the runs). */
  root: string;
  /** Where the layout is kept (the extension's `workspaceState`). */
  state: vscode.Memento;
  log?: TableLog;
}

/** Reads the saved layout, falling back to the default when it is missing or not valid. */
export function savedLayout(state: vscode.Memento): TableLayout {
  const raw = state.get<unknown>(TABLE_LAYOUT_KEY);
  const checked =
    typeof raw === 'object' && raw !== null ? validateTableLayout(raw as Record<string, unknown>) : undefined;
  return checked === undefined || typeof checked === 'string' ? DEFAULT_TABLE_LAYOUT : checked;
}

/** The one open experiments table. */
export class TablePanel extends WebviewHost<TableHostMessages, TableViewMessages> {
  private layout: TableLayout;
  private runs: RunRecord[] = [];
  private data: TableData | undefined;
  private version = 0;
  private readonly runStore: RunStore;
  /** The version of the data the view holds (after a snapshot or row updates), if any. */
  private sentVersion: number | undefined;
  private query: TableQuery = { expression: '', status: '', task: '', text: '' };
  private readonly annotations = new Map<string, RunAnnotations>();
  private stepValue: StepValueLookup | undefined;
  /** The record of each imported run, kept while the scan's run object is the same (rows unchanged). */
  private importedRecords = new WeakMap<ImportedRun, RunRecord>();
  private readonly updates = new Throttle(UPDATE_INTERVAL_MS, () => void this.refresh());
  private refreshing: Promise<void> = Promise.resolve();
  private readonly onDidRenderEmitter = this.store.track(
    new Emitter<{ rows: number; columns: number; ms: number }>(),
  );
  /** Fires when the view reports the first rows of a snapshot painted. */
  readonly onDidRender: Event<{ rows: number; columns: number; ms: number }> = this.onDidRenderEmitter.event;
  /** Resolves once the runs and their annotations were read the first time. */
  readonly loaded: Promise<void>;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly services: TablePanelServices,
  ) {
    super(panel, { title: 'Experiments', bundle: 'table', extensionUri: services.extensionUri });
    this.layout = savedLayout(services.state);
    this.runStore = this.store.track(new RunStore(services.root));
    this.store.track(this.updates);
    this.store.track(
      this.onDidRejectMessage((reason) =>
        this.services.log?.warn(`table view: ignored a message: ${reason}`),
      ),
    );
    this.store.track(services.runs.onDidChange(() => this.updates.schedule()));
    if (services.imported) {
      this.store.track(services.imported.onDidChange(() => this.updates.schedule()));
    }
    this.load();
    this.loaded = this.refresh();
  }

  /** The layout the view shows now (as last posted by the view, or restored). */
  get currentLayout(): TableLayout {
    return this.layout;
  }

  /** The data of the last snapshot (undefined before the first). */
  get currentData(): TableData | undefined {
    return this.data;
  }

  /**
   * Re-reads the runs, their new annotations and step values, then sends what changed: the changed rows
   * when only rows changed (a running run's metrics), else a whole snapshot.
   */
  private refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(async () => {
        const started = performance.now();
        const runs = [...this.services.runs.all(), ...this.importedRuns()];
        await this.readAnnotations(runs.filter((run) => !this.annotations.has(run.id)));
        const aggregates = new Map(this.layout.aggregates);
        const columns = [...aggregates].map(([name, aggregate]) => metricColumn(name, aggregate));
        this.stepValue = await this.loadStepValues(runs, stepFields(columns));
        const previous =
          this.data && this.sentVersion === this.data.version
            ? { data: this.data, runs: this.runs }
            : undefined;
        this.version += 1;
        const options = {
          version: this.version,
          head: this.services.runs.headCommit,
          aggregates,
          stepValue: this.stepValue,
          annotations: this.annotations,
        };
        const previousVersion = previous?.data.version;
        const changed = previous && patchTable(previous, runs, options);
        const data = changed && previous ? previous.data : buildTableData(runs, options);
        // Runs added or removed with the same columns: the rows that differ instead of every row.
        const delta = !changed && previous ? diffTable(previous.data, data) : undefined;
        const useDelta = delta !== undefined && deltaRows(delta) <= Math.max(1, data.runIds.length / 2);
        this.runs = runs;
        this.data = data;
        this.services.log?.info(
          `table view: ${runs.length} runs × ${data.columns.length} columns ${changed ? `(${changed.length} rows read again)` : useDelta ? `built (${delta.added.length} added, ${delta.removed.length} removed, ${delta.changed.length} changed rows sent)` : 'built'} in ${Math.round(performance.now() - started)} ms`,
        );
        if (!this.isReady) {
          return;
        }
        if (changed && previousVersion !== undefined) {
          this.post({
            type: 'table/rows',
            payload: { version: data.version, previous: previousVersion, rows: rowUpdates(data, changed) },
          });
          this.sentVersion = data.version;
        } else if (useDelta && previousVersion !== undefined) {
          this.post({
            type: 'table/delta',
            payload: { version: data.version, previous: previousVersion, delta },
          });
          this.sentVersion = data.version;
        } else {
          this.postSnapshot();
        }
        await this.postFiltered();
      })
      .catch((error: unknown) => {
        this.services.log?.warn(`table view: could not read the runs: ${String(error)}`);
      });
    return this.refreshing;
  }

  /** Values at steps of own runs (their `metrics.jsonl`) and imported runs (their sources, when readable). */
  private async loadStepValues(
    runs: readonly RunRecord[],
    fields: Field[],
  ): Promise<StepValueLookup | undefined> {
    const own = await loadStepValues(this.runStore, runs, fields);
    const read = this.services.readImported;
    const imported = read ? await loadImportedStepValues(runs, fields, read) : undefined;
    if (!own || !imported) {
      return own ?? imported;
    }
    return (id, metric, step) => own(id, metric, step) ?? imported(id, metric, step);
  }

  /** The records of the imported runs of the last scan (the same objects while a run is unchanged). */
  private importedRuns(): RunRecord[] {
    return (this.services.imported?.runs ?? []).map((run) => {
      let record = this.importedRecords.get(run);
      if (!record) {
        record = importedRunRecord(run);
        this.importedRecords.set(run, record);
      }
      return record;
    });
  }

  private async readAnnotations(runs: readonly RunRecord[]): Promise<void> {
    const imported = runs.filter((run) => run.imported);
    if (imported.length > 0) {
      const stored = await readImportedAnnotations(this.runStore.storeDir).catch((error: unknown) => {
        this.services.log?.warn(`table view: ${(error as Error).message}`);
        return undefined;
      });
      for (const run of imported) {
        this.annotations.set(run.id, (run.imported && stored?.[run.imported.stableKey]) || {});
      }
    }
    const own = runs.filter((run) => !run.imported);
    for (let i = 0; i < own.length; i += READ_CONCURRENCY) {
      await Promise.all(
        own.slice(i, i + READ_CONCURRENCY).map(async (run) => {
          const annotations = await readAnnotations(this.runStore.runDir(run.id)).catch((error: unknown) => {
            this.services.log?.warn(`table view: ${(error as Error).message}`);
            return {};
          });
          this.annotations.set(run.id, annotations);
        }),
      );
    }
  }

  protected parseMessage(raw: unknown): MessageOf<TableViewMessages> | string {
    return parseTableViewMessage(raw);
  }

  protected snapshot(): MessageOf<TableHostMessages> {
    const data = this.data ?? {
      version: 0,
      runIds: [],
      commits: [],
      head: null,
      starred: [],
      notes: [],
      columns: [],
      values: [],
    };
    this.sentVersion = data.version;
    return { type: 'table/snapshot', payload: { data, layout: this.layout } };
  }

  /** Evaluates the view's query (reading the values at steps its expression names) and posts the rows. */
  private async postFiltered(): Promise<void> {
    const { query, runs, version, data } = this;
    if (!data) {
      return;
    }
    const catalog = tableCatalog(data);
    const extra = await this.loadStepValues(runs, queryStepFields(query, catalog));
    if (query !== this.query || version !== this.version) {
      return; // a newer query or table is on its way
    }
    const columns = this.stepValue;
    const stepValue: StepValueLookup = (id, metric, step) =>
      extra?.(id, metric, step) ?? columns?.(id, metric, step);
    const result = filterRows(runs, query, this.annotations, catalog, stepValue);
    this.post({
      type: 'table/filtered',
      payload: {
        version,
        query,
        ...('error' in result ? { rows: null, error: result.error } : result),
      },
    });
  }

  private async setAggregate(metric: string, aggregate: TableAggregate): Promise<void> {
    const aggregates = new Map(this.layout.aggregates);
    if (aggregate === 'last') {
      aggregates.delete(metric);
    } else {
      aggregates.set(metric, aggregate);
    }
    this.saveLayout({ ...this.layout, aggregates: [...aggregates] });
    const column = metricColumn(metric, aggregate);
    const stepValue = await this.loadStepValues(this.runs, stepFields([column]));
    const values = columnValues(this.runs, column, stepValue);
    if (this.data) {
      const index = this.data.columns.findIndex((c) => c.key === column.key);
      if (index >= 0) {
        this.data.columns[index] = column;
        this.data.values[index] = values;
      }
    }
    this.post({ type: 'table/column', payload: { version: this.version, column, values } });
  }

  private saveLayout(layout: TableLayout): void {
    this.layout = layout;
    void this.services.state.update(TABLE_LAYOUT_KEY, layout);
  }

  private async annotate(runId: string, starred: boolean, note: string): Promise<void> {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) {
      throw new UserInputError(`There is no run ${runId} (it may have been deleted).`);
    }
    if (run.imported) {
      // Kept in our store, keyed by where the logs are: the other tool's files are never written.
      await this.runStore.ensure();
      await writeImportedAnnotation(this.runStore.storeDir, run.imported.stableKey, { starred, note });
    } else {
      await writeAnnotations(this.runStore.runDir(runId), { starred, note });
    }
    this.annotations.set(runId, { starred, note });
  }

  private async exportCsv(runIds: string[], keys: string[]): Promise<void> {
    if (!this.data) {
      return;
    }
    const byId = new Map(this.runs.map((run) => [run.id, run]));
    const shown = this.data.columns.filter((column) => keys.includes(column.key));
    const exported = runIds.flatMap((id) => byId.get(id) ?? []);
    const stepValue = await this.loadStepValues(exported, stepFields(shown));
    const csv = tableCsv(byId, this.data.columns, runIds, keys, stepValue);
    const target = await vscode.window.showSaveDialog({
      filters: { CSV: ['csv'] },
      saveLabel: 'Export',
      title: `Export ${runIds.length} runs as CSV`,
    });
    if (!target) {
      return;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(csv));
    this.services.log?.info(
      `table view: exported ${runIds.length} runs × ${keys.length} columns to ${target.fsPath}`,
    );
  }

  private report(what: string, promise: Promise<void>): void {
    promise.catch((error: unknown) => {
      const message = (error as Error).message;
      this.services.log?.warn(`table view: ${what}: ${message}`);
      void vscode.window.showErrorMessage(`Experiment Lens: ${what}: ${message}`);
    });
  }

  protected handle(message: Exclude<MessageOf<TableViewMessages>, { type: 'webview/ready' }>): void {
    switch (message.type) {
      case 'webview/error':
        this.services.log?.warn(`table view: ${message.payload.message}`);
        return;
      case 'table/query':
        this.query = message.payload;
        this.report('could not filter', this.postFiltered());
        return;
      case 'table/layout':
        // The aggregates are the host's (set by table/aggregate, which reads the metric's values anew): a
        // layout from the view that raced one does not undo it.
        this.saveLayout({ ...message.payload, aggregates: this.layout.aggregates });
        return;
      case 'table/aggregate':
        this.report(
          'could not read the metric',
          this.setAggregate(message.payload.metric, message.payload.aggregate),
        );
        return;
      case 'table/annotate':
        this.report(
          'could not save the annotation',
          this.annotate(message.payload.runId, message.payload.starred, message.payload.note),
        );
        return;
      case 'table/compare':
        this.report(
          'could not compare',
          Promise.resolve(
            vscode.commands.executeCommand(Commands.compareRuns.id, message.payload.runIds),
          ).then(() => undefined),
        );
        return;
      case 'table/export':
        this.report('could not export', this.exportCsv(message.payload.runIds, message.payload.columns));
        return;
      case 'table/rendered':
        this.onDidRenderEmitter.fire(message.payload);
        return;
      default:
        assertNever(message);
    }
  }
}
