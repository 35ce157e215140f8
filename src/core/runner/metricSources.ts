/**
 * The `metrics:` file sources of a task (TensorBoard, MLflow, DVCLive, Keras/Lightning CSV, JSONL),
 * followed while its run is running so their points become the run's own, as if the task had written
 * them through `XLENS_METRICS_FILE`.
 *
 * - Before the task starts, whatever the sources already hold (earlier runs' events, an old CSV) is
 *   read once and set aside: only what is written during the run is taken.
 * - While it runs, the sources are polled through the core readers (`src/core/metrics`), which read
 *   only what was appended; after the task exits they are read one last time.
 * - Points keep the source's names (TensorBoard tags, MLflow keys, CSV columns) and steps (the epoch
 *   of a Keras CSV). When several TensorBoard run folders below the named folder write during one run
 *   (Keras writes `train/` and `validation/`), the first keeps its tags and the others' series are
 *   named `<folder>/<tag>` (e.g. `epoch_loss` and `validation/epoch_loss`), so they stay apart.
 * - Each MLflow run of an `mlflow:` source likewise: the first top-level run that writes keeps its keys,
 *   and every other run (nested runs, named by their `mlflow.parentRunId` tag, always) gets
 *   `<run name>/<key>` (e.g. `fold-1/train/loss`), so two runs' points never share a series.
 * - Points sharing a step in one read become one protocol line; each is checked like a protocol line
 *   (step an integer >= 0, time finite) and a bad one is a warning naming the source. A non-finite
 *   value (NaN, ±Infinity) is kept as the protocol keeps it: `null` in `metrics.jsonl`, counted in the
 *   summary's `nonFinite`.
 * - A source that never appeared gives one warning at the end.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileKind, NotRegularFileError, openRegularFile } from '../base/regularFile';
import type { MetricSourceSpec } from '../config/types';
import { classifyCsv } from '../metrics/csv/classify';
import { createSourceReader } from '../metrics/readerFactory';
import { parseMetricLine } from '../metrics/jsonl';
import { PARENT_RUN_TAG } from '../metrics/mlflow/common';
import { countPoints, type MetricReader, type ReadResult, type SourceSpec } from '../metrics/readers';
import type { ReadWarning, SeriesRun } from '../metrics/series';
import { dict } from '../../shared/dict';
import { newPoints } from './resentPoints';

/** Where accepted points and warnings go (the run: `metrics.jsonl`, summaries, `run.json` warnings). */
export interface MetricSourcesListener {
  /**
   * One protocol line's worth: a step, its time (Unix ms), its finite values, and the names whose
   * value was not finite (NaN, ±Infinity: written as `null` and counted, as the protocol does).
   */
  onPoint(step: number, time: number, values: Record<string, number>, nonFinite: readonly string[]): void;
  onWarning(message: string): void;
}

/** The kinds of file source a task can name (`stdout:` is matched by the runner itself). */
type FileKind = 'tensorboard' | 'mlflow' | 'dvclive' | 'csv' | 'jsonl' | 'wandb';

/** What each kind of source is called in the "was not found" warning. */
const WHAT_IS_WRITTEN: Record<FileKind, string> = {
  tensorboard: 'TensorBoard events',
  mlflow: 'MLflow runs',
  dvclive: 'DVCLive logs',
  csv: 'Keras or Lightning CSV log',
  jsonl: 'metrics lines',
  wandb: 'W&B runs',
};

/** One followed source. */
interface Followed {
  kind: FileKind;
  /** The path as the task wrote it (after `${params.x}`), for messages. */
  written: string;
  /** Absolute path. */
  path: string;
  reader?: MetricReader;
  /** The source held something readable at some point (before or during the run). */
  appeared: boolean;
  /** Points already there before the task started (set aside). */
  before: number;
  /** Points taken during the run. */
  taken: number;
  /** Per run: the highest step taken per metric, to skip points re-sent after the source was rewritten. */
  highWater: Map<string, Map<string, number>>;
  /** The source was readable before the task started. */
  existedBefore?: boolean;
  /** The first run (folder) of the source that gave points during the run. */
  firstRun?: string;
  /** MLflow: the series-name prefix given to each run (`''` for the one keeping its keys). */
  prefixes: Map<string, string>;
  /** Runs whose series were re-sent from the start (after a rewrite) in the current read. */
  resent: Set<string>;
  /** The path is a FIFO, socket or device: said once, never read. */
  refused?: boolean;
}

/** Follows the file sources of one run. Not reusable: `begin`, `start`, then `stop` once. */
export class MetricSourcesTail {
  private readonly sources: Followed[];
  private reading: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * @param specs the task's `metrics:` entries (`stdout:` ones are ignored), placeholders resolved.
   * @param cwd the task's working folder: relative paths resolve against it.
   * @param intervalMs time between polls while the task runs.
   */
  constructor(
    specs: readonly MetricSourceSpec[],
    private readonly cwd: string,
    private readonly listener: MetricSourcesListener,
    private readonly intervalMs = 500,
  ) {
    this.sources = specs.flatMap((spec): Followed[] => {
      const [kind, written] = Object.entries(spec)[0] as [FileKind | 'stdout', string];
      if (kind === 'stdout') {
        return [];
      }
      const path = isAbsolute(written) ? written : resolve(cwd, written);
      return [
        {
          kind,
          written,
          path,
          appeared: false,
          before: 0,
          taken: 0,
          highWater: new Map(),
          resent: new Set(),
          prefixes: new Map(),
        },
      ];
    });
  }

  /** True when the task names file sources (otherwise there is nothing to follow). */
  get active(): boolean {
    return this.sources.length > 0;
  }

  /** Reads what the sources hold before the task starts and sets it aside. */
  async begin(): Promise<void> {
    for (const source of this.sources) {
      await this.readSource(source, true);
    }
  }

  /** Starts polling. */
  start(): void {
    this.schedule();
  }

  /** Stops polling, reads everything the task wrote up to its exit, warns about absent sources. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.poll();
    for (const source of this.sources) {
      if (source.kind === 'jsonl' && source.reader && (!source.existedBefore || source.taken > 0)) {
        await this.takeLastLine(source);
      }
      source.reader?.dispose?.();
      source.reader = undefined;
      const name = `metrics source ${source.kind}: ${source.written}`;
      if (source.refused) {
        continue;
      }
      if (!source.appeared) {
        this.listener.onWarning(
          `${name} was not found — the task wrote no ${WHAT_IS_WRITTEN[source.kind]} there (looked in ${source.path})`,
        );
      } else if (source.taken === 0) {
        this.listener.onWarning(
          `${name} got no new points during the run` +
            (source.before > 0 ? ` (the ${source.before} points there before it started were left out)` : ''),
        );
      }
    }
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => void this.poll().then(() => this.schedule()), this.intervalMs);
    this.timer.unref?.();
  }

  /** Reads every source once (serialised: reads never overlap). */
  private poll(): Promise<void> {
    this.reading = this.reading.then(async () => {
      for (const source of this.sources) {
        await this.readSource(source, false);
      }
    });
    return this.reading;
  }

  private async readSource(source: Followed, before: boolean): Promise<void> {
    if (source.refused) {
      return;
    }
    try {
      if (!source.reader) {
        const spec = await this.specOf(source);
        if (!spec) {
          return;
        }
        source.reader = createSourceReader(spec);
      }
      let result = await source.reader.read();
      // What is there before the start must be known exactly: otherwise older runs' points would be
      // taken as this run's on the next read.
      for (let again = 0; before && result.incomplete && again < 20; again++) {
        result = await source.reader.read();
      }
      if (result.runs.length > 0) {
        source.appeared = true;
      }
      if (before) {
        source.existedBefore = true;
        source.before += countPoints(result);
        return;
      }
      this.take(source, result);
    } catch (error) {
      if (error instanceof NotRegularFileError) {
        // Reading a FIFO could block the run forever; said once, then the source is left alone.
        source.refused = true;
        this.listener.onWarning(`metrics source ${source.kind}: ${source.written}: ${error.message}`);
      } else if (!before) {
        this.listener.onWarning(
          `metrics source ${source.kind}: ${source.written}: ${(error as Error).message}`,
        );
      }
    }
  }

  /**
   * A JSONL source's last line when the task ended it without a newline: the reader keeps such a line
   * for the next read, which will not come. Checked like any protocol line (its line number in warnings).
   */
  private async takeLastLine(source: Followed): Promise<void> {
    let text: string;
    try {
      const handle = await openRegularFile(source.path);
      try {
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return;
    }
    const cut = text.lastIndexOf('\n');
    const last = text.slice(cut + 1);
    if (last.trim() === '') {
      return;
    }
    const complete = cut < 0 ? [] : text.slice(0, cut).split('\n');
    // A line without "step" gets the number of non-blank lines before it.
    const nonBlank = complete.filter((line) => line.trim() !== '').length;
    const parsed = parseMetricLine(last, nonBlank);
    const where = `metrics source ${source.kind}: ${source.written}:${complete.length + 1}`;
    if (typeof parsed === 'string') {
      this.listener.onWarning(`${where}: ${parsed}`);
    } else if (parsed) {
      const values = Object.assign(dict<number>(), parsed.values);
      Object.keys(parsed.nonFinite ?? {}).forEach((n) => (values[n] = Number.NaN));
      this.emit(source, parsed.step, parsed.time ?? Date.now(), values, new Map());
    }
  }

  /** The reader's source once the path exists (a CSV also needs a header telling Keras from Lightning). */
  private async specOf(source: Followed): Promise<SourceSpec | undefined> {
    const info = await stat(source.path).catch(() => undefined);
    if (!info) {
      return undefined;
    }
    if (!info.isFile() && !info.isDirectory()) {
      throw new NotRegularFileError(source.path, fileKind(info));
    }
    if (source.kind !== 'csv') {
      return { format: source.kind, path: source.path };
    }
    const format = await classifyCsv(source.path);
    return format ? { format, path: source.path } : undefined;
  }

  private take(source: Followed, result: ReadResult): void {
    for (const warning of result.warnings) {
      this.listener.onWarning(`metrics source ${source.kind}: ${this.where(source, warning)}`);
    }
    for (const id of result.reset ?? []) {
      source.resent.add(id);
    }
    const now = Date.now();
    for (const run of result.runs) {
      if (run.metrics.size === 0) {
        continue;
      }
      const prefix = this.prefixOf(source, run);
      const highWater = source.highWater.get(run.id) ?? new Map<string, number>();
      source.highWater.set(run.id, highWater);
      const { points, caughtUp } = newPoints(run, prefix, highWater, source.resent.has(run.id));
      if (caughtUp) {
        source.resent.delete(run.id);
      }
      // Stable sort by step; points of one step go out as one line (a repeated name starts a new one).
      points.sort((a, b) => a.step - b.step);
      let line: { step: number; time: number | undefined; values: Record<string, number> } | undefined;
      const flush = (): void => {
        if (line) {
          this.emit(source, line.step, line.time ?? now, line.values, highWater);
          line = undefined;
        }
      };
      for (const p of points) {
        if (!line || line.step !== p.step || Object.hasOwn(line.values, p.name)) {
          flush();
          line = { step: p.step, time: p.time, values: dict<number>() };
        }
        line.values[p.name] = p.value;
        line.time ??= p.time;
      }
      flush();
    }
  }

  /**
   * The prefix of a run's series names. TensorBoard: none for the first run folder that writes; other
   * folders written in the same run (Keras's `validation/` beside `train/`) are told apart as
   * `<folder>/<tag>`. MLflow: none for the first top-level run that writes, `<run name>/` for every
   * other run and for nested ones (`mlflow.parentRunId`); a name already taken gets its run id added.
   */
  private prefixOf(source: Followed, run: SeriesRun): string {
    source.firstRun ??= source.kind === 'mlflow' && run.tags[PARENT_RUN_TAG] ? undefined : run.id;
    if (source.kind === 'tensorboard') {
      return run.id !== source.firstRun ? `${run.id}/` : '';
    }
    if (source.kind !== 'mlflow') {
      return '';
    }
    let prefix = source.prefixes.get(run.id);
    if (prefix === undefined) {
      const taken = new Set(source.prefixes.values());
      prefix = run.id === source.firstRun ? '' : `${run.name}/`;
      if (taken.has(prefix)) {
        prefix = `${run.name}-${run.id.slice(0, 8)}/`;
      }
      source.prefixes.set(run.id, prefix);
    }
    return prefix;
  }

  /** Checks a line as the protocol does and hands it on, or warns and skips it. */
  private emit(
    source: Followed,
    step: number,
    time: number,
    values: Record<string, number>,
    highWater: Map<string, number>,
  ): void {
    const name = `metrics source ${source.kind}: ${source.written}`;
    if (!Number.isInteger(step) || step < 0) {
      this.listener.onWarning(`${name}: step ${step} must be an integer >= 0; point skipped`);
      return;
    }
    if (!Number.isFinite(time)) {
      this.listener.onWarning(`${name}: step ${step}: time ${time} is not Unix milliseconds; point skipped`);
      return;
    }
    const good = dict<number>();
    const nonFinite: string[] = [];
    for (const [metric, value] of Object.entries(values)) {
      if (Number.isFinite(value)) {
        good[metric] = value;
      } else {
        nonFinite.push(metric);
      }
      highWater.set(metric, Math.max(step, highWater.get(metric) ?? -1));
    }
    const count = Object.keys(good).length + nonFinite.length;
    if (count > 0) {
      source.taken += count;
      this.listener.onPoint(step, time, good, nonFinite);
    }
  }

  /**
   * The source as written and, for a file inside a folder source, the file (relative to the task's
   * folder), then `:line` or `@offset`, then the reader's message.
   */
  private where(source: Followed, warning: ReadWarning): string {
    const at =
      warning.line !== undefined
        ? `:${warning.line}`
        : warning.offset !== undefined
          ? `@${warning.offset}`
          : '';
    if (warning.file === source.path) {
      return `${source.written}${at}: ${warning.message}`;
    }
    const rel = relative(this.cwd, warning.file);
    const file = rel === '' || rel.startsWith('..') ? warning.file : rel;
    return `${source.written}: ${file}${at}: ${warning.message}`;
  }
}
