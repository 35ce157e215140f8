/**
 * Builds the reader for a {@link SourceSpec}, and a composite reader for a folder that may hold many
 * sources which appear over time (a TensorBoard logdir, a workspace scanned for logs):
 * {@link createSourceReader} picks between them.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KerasCsvReader } from './csv/kerasCsv';
import { LightningCsvReader } from './csv/lightningCsv';
import { DvcliveReader } from './dvclive/dvcliveReader';
import { JsonlReader } from './jsonlReader';
import { createMlflowReader } from './mlflow/layout';
import type { MetricReader, ReadResult, SourceSpec } from './readers';
import type { MetricPoint, SeriesRun } from './series';
import { findTensorBoardRuns, TensorBoardRunReader } from './tensorboard';
import { findWandbRuns, WandbRunReader } from './wandb/wandbReader';
import { TensorBoardRunParams } from './tensorboard/runParams';
import { HParamsSessionFold } from './tensorboard/sessionFold';

/** Makes a reader for one source; registered per format so optional readers plug in without cycles. */
export type ReaderFactory = (path: string) => MetricReader;

const factories = new Map<SourceSpec['format'], ReaderFactory>([
  ['mlflow', (path) => createMlflowReader(path)],
  ['dvclive', (path) => new DvcliveReader(dvcliveFolder(path))],
  ['keras-csv', (path) => new KerasCsvReader(path)],
  ['lightning-csv', (path) => new LightningCsvReader(path)],
  ['jsonl', (path) => new JsonlReader(path)],
  ['tensorboard', (path) => new TensorBoardSourceReader(path)],
  ['wandb', (path) => new WandbRunReader(path)],
]);

/**
 * One TensorBoard run folder behind the common interface (the decoding is `TensorBoardRunReader`'s).
 * The run id is `.`; a logdir reader ({@link CompositeReader}) names runs by their relative folder.
 */
export class TensorBoardSourceReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly reader: TensorBoardRunReader;
  private readonly params: TensorBoardRunParams;
  private started = false;

  constructor(readonly dir: string) {
    this.source = { format: 'tensorboard', path: dir };
    this.reader = new TensorBoardRunReader(dir);
    this.params = new TensorBoardRunParams(dir);
  }

  async read(options: { signal?: AbortSignal } = {}): Promise<ReadResult> {
    const result = await this.reader.read({ signal: options.signal });
    const metrics = new Map<string, MetricPoint[]>();
    for (const tag of this.reader.tags) {
      const points = result.newPoints.get(tag);
      if (points && points.length > 0) {
        metrics.set(tag, points);
      }
    }
    const params = await this.params.read(this.reader, result.warnings);
    const first = !this.started;
    this.started = true;
    if (!first && metrics.size === 0 && !params.changed) {
      return { runs: [], warnings: result.warnings };
    }
    const range = this.reader.timeRange;
    const run: SeriesRun = {
      id: '.',
      name: basename(this.dir),
      source: 'tensorboard',
      path: this.dir,
      metrics,
      params: params.params,
      tags: {},
      ...(range ? { startTime: range.start, endTime: range.end } : {}),
    };
    return { runs: [run], warnings: result.warnings };
  }
}

/** Registers (or replaces) the reader factory of a format. */
export function registerReaderFactory(format: SourceSpec['format'], factory: ReaderFactory): void {
  factories.set(format, factory);
}

/**
 * Creates the reader of `source`.
 * @throws Error for a format without a file reader (`stdout` is read from a process, not a file).
 */
export function createReader(source: SourceSpec): MetricReader {
  const factory = factories.get(source.format);
  if (!factory) {
    throw new Error(`No file reader for metric source "${source.format}" (${source.path})`);
  }
  return factory(source.path);
}

/**
 * Reads every source found under a folder by `expand`, re-expanding on each read so sources that
 * appear later (a new TensorBoard run folder, a new `version_N/`) are picked up. Run ids are prefixed
 * with the source's path relative to the folder, so they stay unique across sources.
 */
export class CompositeReader implements MetricReader {
  private readonly readers = new Map<string, MetricReader>();
  /** Run ids (prefixed) returned so far per sub-source, to report them removed when the source goes. */
  private readonly runIds = new Map<string, Set<string>>();

  constructor(
    readonly source: SourceSpec,
    private readonly expand: () => Promise<SourceSpec[]>,
    private readonly make: (source: SourceSpec) => MetricReader = createReader,
  ) {}

  async read(options: { signal?: AbortSignal } = {}): Promise<ReadResult> {
    const result: ReadResult = { runs: [], warnings: [], reset: [], removed: [] };
    const found = await this.expand();
    const keys = new Set<string>();
    for (const spec of found) {
      const key = `${spec.format}:${spec.path}`;
      keys.add(key);
      let reader = this.readers.get(key);
      if (!reader) {
        try {
          reader = this.make(spec);
        } catch (error) {
          result.warnings.push({ file: spec.path, message: (error as Error).message });
          continue;
        }
        this.readers.set(key, reader);
      }
      const part = await reader.read(options);
      const prefix = (id: string): string => this.prefixed(spec, id);
      result.runs.push(
        ...part.runs.map((run): SeriesRun => ({
          ...run,
          id: prefix(run.id),
          name: run.id === '.' ? prefix(run.id) : run.name,
        })),
      );
      result.warnings.push(...part.warnings);
      result.reset!.push(...(part.reset ?? []).map(prefix));
      result.removed!.push(...(part.removed ?? []).map(prefix));
      const ids = this.runIds.get(key) ?? new Set<string>();
      part.runs.forEach((run) => ids.add(prefix(run.id)));
      (part.removed ?? []).forEach((id) => ids.delete(prefix(id)));
      this.runIds.set(key, ids);
    }
    for (const [key, reader] of this.readers) {
      if (!keys.has(key)) {
        reader.dispose?.();
        this.readers.delete(key);
        result.removed!.push(...(this.runIds.get(key) ?? []));
        this.runIds.delete(key);
      }
    }
    return result;
  }

  dispose(): void {
    for (const reader of this.readers.values()) {
      reader.dispose?.();
    }
    this.readers.clear();
  }

  /** `<source folder relative to the root>#<id>`; an id of `.` (a TensorBoard run) is the folder alone. */
  private prefixed(spec: SourceSpec, id: string): string {
    const rel = (
      spec.path.startsWith(this.source.path)
        ? spec.path.slice(this.source.path.length).replace(/^[\\/]+/, '')
        : spec.path
    ).replace(/\\/g, '/');
    if (id === '.') {
      return rel || '.';
    }
    return rel ? `${rel}#${id}` : id;
  }
}

/**
 * The reader of a source, where a TensorBoard path may be a logdir holding many run folders, and a
 * W&B path a `wandb/` folder holding many runs: those are found again on each read, so runs started
 * later are picked up; `add_hparams` sub-folders are folded into their parent run
 * (`tensorboard/sessionFold.ts`).
 */
export function createSourceReader(source: SourceSpec): MetricReader {
  if (source.format === 'wandb') {
    // A project folder, its `wandb/` folder or one run folder: runs started later are picked up.
    return new CompositeReader(source, async () =>
      (await findWandbRuns(source.path)).map((path): SourceSpec => ({ format: 'wandb', path })),
    );
  }
  if (source.format !== 'tensorboard') {
    return createReader(source);
  }
  return new HParamsSessionFold(
    new CompositeReader(source, async () =>
      (await findTensorBoardRuns(source.path)).map((path): SourceSpec => ({ format: 'tensorboard', path })),
    ),
  );
}

/** Accepts the DVCLive folder itself or a project folder holding `dvclive/`. */
function dvcliveFolder(path: string): string {
  if (basename(path) !== 'dvclive' && isDir(join(path, 'dvclive')) && !isDir(join(path, 'plots'))) {
    return join(path, 'dvclive');
  }
  return path;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
