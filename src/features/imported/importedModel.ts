/**
 * Runs logged by other tools (TensorBoard, MLflow, DVCLive, Keras and Lightning CSV) found in the
 * workspace by core's discovery (`discoverImportedRuns`), shown in the Runs view under one
 * "Imported runs" group with a sub-group per format. No `vscode` import: grouping and row text are
 * unit-tested over real logs.
 */
import type { Disposable } from '../../core/base/disposable';
import { Emitter, type Event } from '../../core/base/emitter';
import type { ImportedRun, ImportedRunsResult } from '../../core/metrics/discovery/importedRun';
import type { MetricSourceKind } from '../../core/metrics/series';
import { type ImportedRunNesting, nestImportedRuns } from '../../core/metrics/mlflow/nesting';
import { importedRecordId, IMPORTED_FORMAT_LABELS } from '../../core/runs/importedRecord';
import { keyMetricsText, lastValues } from '../../core/runs/keyMetrics';
import { ViewItems } from '../ids';
import { formatDuration, formatNumber, MISSING } from '../../shared/formatting';
import { escapeMarkdown, statusIcon } from '../runLabels';
import type { RowText } from '../runs/runsModel';

/** The root group of imported runs. */
export interface ImportedGroup {
  kind: 'imported';
}

/** The imported runs of one format. */
export interface ImportedFormatGroup {
  kind: 'importedFormat';
  format: MetricSourceKind;
}

/** One imported run (the discovery's summary of it). */
export interface ImportedRunElement {
  kind: 'importedRun';
  run: ImportedRun;
}

/** An element of the imported part of the Runs tree. */
export type ImportedElement = ImportedGroup | ImportedFormatGroup | ImportedRunElement;

/** True for the elements of the imported part of the Runs tree. */
export function isImportedElement(value: unknown): value is ImportedElement {
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'imported' || kind === 'importedFormat' || kind === 'importedRun';
}

/** How each format reads in the tree, in the order the groups are listed. */
export const FORMAT_LABELS: Readonly<Record<MetricSourceKind, string>> = IMPORTED_FORMAT_LABELS;
const FORMAT_ORDER = Object.keys(FORMAT_LABELS) as MetricSourceKind[];

/** Where the scan is. */
export type ImportedScanState =
  | { kind: 'idle' }
  | { kind: 'scanning' }
  | { kind: 'done'; ms: number }
  | { kind: 'failed'; message: string }
  /** `xlens.imported.enabled` is off: no scan comes, no run is listed. */
  | { kind: 'off' };

/** The imported runs of the workspace; fires {@link onDidChange} when a scan finished or failed. */
export class ImportedRunsModel implements Disposable {
  private result: ImportedRunsResult = { runs: [], sources: [], warnings: [], warningCount: 0 };
  private nesting: ImportedRunNesting = nestImportedRuns([]);
  private scan: ImportedScanState = { kind: 'idle' };
  private recordIds: Map<string, ImportedRun> | undefined;
  /** The number of the latest scan started, bumped also when scanning is turned off. */
  private generation = 0;
  private readonly emitter = new Emitter<void>();
  readonly onDidChange: Event<void> = this.emitter.event;

  get state(): ImportedScanState {
    return this.scan;
  }

  /** The runs of the last scan, in the discovery's order (sorted by source path). */
  get runs(): readonly ImportedRun[] {
    return this.result.runs;
  }

  get warningCount(): number {
    return this.result.warningCount;
  }

  /**
   * Records that a scan started. Returns the scan's number, to be given back with its result: a scan
   * that ends after scanning was turned off ({@link setOff}) or after a newer scan started has its
   * result dropped, so an old scan never replaces what the user chose or what a newer scan found.
   */
  setScanning(): number {
    this.scan = { kind: 'scanning' };
    return ++this.generation;
  }

  /**
   * Replaces the runs with those of a finished scan that took `ms` milliseconds.
   * @param scan the number {@link setScanning} gave the scan; when it is not the latest (scanning was
   *   turned off or a newer scan started since), nothing changes. Without it the result is taken.
   * @returns whether the result was taken.
   */
  setResult(result: ImportedRunsResult, ms: number, scan?: number): boolean {
    if (scan !== undefined && scan !== this.generation) {
      return false;
    }
    this.result = result;
    this.nesting = nestImportedRuns(result.runs);
    this.recordIds = undefined;
    this.scan = { kind: 'done', ms };
    this.emitter.fire();
    return true;
  }

  /**
   * Records that scanning is turned off (`xlens.imported.enabled`): no run is listed, no scan comes,
   * and a scan still under way has its result dropped.
   */
  setOff(): void {
    this.generation++;
    this.result = { runs: [], sources: [], warnings: [], warningCount: 0 };
    this.nesting = nestImportedRuns([]);
    this.recordIds = undefined;
    this.scan = { kind: 'off' };
    this.emitter.fire();
  }

  /**
   * Records a failed scan; the runs of the previous scan stay.
   * @param scan as for {@link setResult}: a failure of a scan that is not the latest is dropped.
   * @returns whether the failure was recorded.
   */
  setFailed(message: string, scan?: number): boolean {
    if (scan !== undefined && scan !== this.generation) {
      return false;
    }
    this.scan = { kind: 'failed', message };
    this.emitter.fire();
    return true;
  }

  dispose(): void {
    this.emitter.dispose();
  }

  /**
   * The run whose record id (`importedRecordId`, as the experiments table and the compare view name
   * imported runs) is `id`, if the last scan found it.
   */
  byRecordId(id: string): ImportedRun | undefined {
    if (this.recordIds === undefined) {
      this.recordIds = new Map(this.result.runs.map((run) => [importedRecordId(run), run]));
    }
    return this.recordIds.get(id);
  }

  /** The run with `key` (`<format>:<source>#<id>`), if the last scan found it. */
  get(key: string): ImportedRun | undefined {
    return this.result.runs.find((r) => r.key === key);
  }

  /** The root group when any run was found (the Runs view lists it after the commit groups). */
  roots(): ImportedGroup[] {
    return this.result.runs.length > 0 ? [{ kind: 'imported' }] : [];
  }

  /**
   * The children of an imported element: formats under the root, runs under a format, nested MLflow
   * runs (`mlflow.parentRunId`) under their parent run.
   */
  children(element: ImportedElement): ImportedElement[] {
    const runElement = (run: ImportedRun): ImportedRunElement => ({ kind: 'importedRun', run });
    switch (element.kind) {
      case 'imported':
        return this.formats().map((format): ImportedFormatGroup => ({ kind: 'importedFormat', format }));
      case 'importedFormat':
        return this.nesting
          .roots()
          .filter((run) => run.format === element.format)
          .map(runElement);
      case 'importedRun':
        return this.nesting.children(element.run).map(runElement);
    }
  }

  /** The parent of an imported element (for `TreeView.reveal`). */
  parent(element: ImportedElement): ImportedElement | undefined {
    switch (element.kind) {
      case 'imported':
        return undefined;
      case 'importedFormat':
        return { kind: 'imported' };
      case 'importedRun': {
        const parent = this.nesting.parent(element.run);
        return parent
          ? { kind: 'importedRun', run: parent }
          : { kind: 'importedFormat', format: element.run.format };
      }
    }
  }

  /** The formats that have runs, in {@link FORMAT_LABELS} order. */
  formats(): MetricSourceKind[] {
    const present = new Set(this.result.runs.map((r) => r.format));
    return FORMAT_ORDER.filter((f) => present.has(f));
  }

  /** Row text of a group (runs have {@link describeImportedRun}). */
  describeGroup(element: ImportedGroup | ImportedFormatGroup): RowText {
    if (element.kind === 'imported') {
      const runs = this.result.runs.length;
      const formats = this.formats().map((f) => FORMAT_LABELS[f]);
      const warnings = this.result.warningCount;
      return {
        id: 'imported',
        label: 'Imported runs',
        description: `${runs} run${runs === 1 ? '' : 's'} · ${formats.join(', ')}`,
        tooltip: [
          `**Imported runs**: metric logs of other tools found in this workspace (read only, nothing is copied).`,
          `${runs} run${runs === 1 ? '' : 's'} in ${this.result.sources.length} source${this.result.sources.length === 1 ? '' : 's'}: ${formats.join(', ')}`,
          warnings > 0
            ? `${warnings} warning${warnings === 1 ? '' : 's'} while reading (see the log)`
            : undefined,
        ]
          .filter((l): l is string => l !== undefined)
          .join('  \n'),
        icon: { id: 'cloud-download' },
        contextValue: ViewItems.importedGroup,
      };
    }
    const runs = this.result.runs.filter((r) => r.format === element.format);
    const sources = new Set(runs.map((r) => r.source)).size;
    return {
      id: `imported:${element.format}`,
      label: FORMAT_LABELS[element.format],
      description: `${runs.length} run${runs.length === 1 ? '' : 's'}`,
      tooltip: `${runs.length} ${FORMAT_LABELS[element.format]} run${runs.length === 1 ? '' : 's'} in ${sources} location${sources === 1 ? '' : 's'}`,
      icon: { id: 'folder-library' },
      contextValue: ViewItems.importedGroup,
    };
  }
}

/**
 * Label, description and Markdown tooltip of an imported run: its name (with the experiment),
 * where it was found, and its key metrics.
 * @param keyMetrics metric names to show (the `xlens.runs.keyMetrics` setting); empty = automatic.
 */
export function describeImportedRun(run: ImportedRun, keyMetrics: readonly string[] = []): RowText {
  // A run named by its path (a TensorBoard folder, a CSV file) shows its last segment; the folder
  // it sits in leads the description.
  const byPath = run.name === run.relativePath;
  const slash = run.relativePath.lastIndexOf('/');
  const name = byPath && slash >= 0 ? run.relativePath.slice(slash + 1) : run.name;
  const label = run.experiment !== undefined ? `${run.experiment} / ${name}` : name;
  const metrics = keyMetricsText(lastValues(run.metrics.filter((m) => m.points > 0)), { chosen: keyMetrics });
  const duration =
    run.startTime !== undefined && run.endTime !== undefined && run.endTime >= run.startTime
      ? formatDuration(run.endTime - run.startTime)
      : undefined;
  const where = byPath ? (slash >= 0 ? run.relativePath.slice(0, slash) : undefined) : run.relativePath;
  const description = [where, run.status, duration, metrics || undefined]
    .filter((p): p is string => p !== undefined && p !== '')
    .join(' · ');

  const lines = [
    `**${escapeMarkdown(label)}** — ${FORMAT_LABELS[run.format]}${run.status ? `, ${run.status}` : ''}`,
    `From \`${escapeMarkdown(run.relativePath)}\`${run.id !== run.name ? ` · run \`${escapeMarkdown(run.id)}\`` : ''}`,
    run.gitCommit ? `Commit \`${run.gitCommit.slice(0, 7)}\`` : undefined,
    run.startTime !== undefined
      ? `Started ${new Date(run.startTime).toISOString().replace('T', ' ').slice(0, 19)} UTC${duration ? `, took ${duration}` : ''}`
      : undefined,
  ].filter((l): l is string => l !== undefined);
  let tooltip = lines.join('  \n');
  const params = Object.entries(run.params);
  if (params.length > 0) {
    const rows = params
      .slice(0, 30)
      .map(([k, v]) => `| ${escapeMarkdown(k)} | ${escapeMarkdown(JSON.stringify(v))} |`);
    tooltip += `\n\n| Param | Value |\n| --- | --- |\n${rows.join('\n')}`;
    if (params.length > 30) {
      tooltip += `\n\n…and ${params.length - 30} more params`;
    }
  }
  if (run.metrics.length > 0) {
    const rows = run.metrics
      .slice(0, 30)
      .map(
        (m) =>
          `| ${escapeMarkdown(m.name)} | ${m.points > 0 ? formatNumber(m.last) : MISSING} | ${m.lastStep} | ${m.points} |`,
      );
    tooltip += `\n\n| Metric | Last | Step | Points |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}`;
    if (run.metrics.length > 30) {
      tooltip += `\n\n…and ${run.metrics.length - 30} more metrics`;
    }
  } else {
    tooltip += '\n\nNo metrics recorded.';
  }
  return {
    id: `importedRun:${run.key}`,
    label,
    description,
    tooltip,
    icon: run.status ? statusIcon(run.status) : { id: 'graph-line' },
    contextValue: ViewItems.importedRun,
  };
}
