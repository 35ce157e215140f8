/**
 * Reader for DVCLive output folders (`dvclive/` by default), following DVCLive's documented layout
 * (https://dvc.org/doc/dvclive/how-it-works):
 *
 * ```
 * dvclive/metrics.json                 latest value of every metric, nested by `/` in the name, plus "step"
 * dvclive/params.yaml                  logged params
 * dvclive/plots/metrics/<a>/<b>.tsv    one series per metric `a/b`: header "step\t<name>" or "timestamp\tstep\t<name>"
 * ```
 * and the pre-2.0 layout: `dvclive/scalars/**.tsv` with a `<folder>.json` summary next to the folder
 * (e.g. `dvclive.json`). The metric name comes from the file's path; the header may carry the short or
 * the full name. A file with only a `step` column holds a metric named `step` (DVCLive writes the
 * value over the step column then). Metrics present only in the summary (logged with `plot=False`)
 * become one point at the summary's step.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ParamValue } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import { pushPoint } from '../readers';
import type { MetricPoint, ReadWarning, SeriesRun } from '../series';
import { FileTail } from '../../base/fileTail';
import { parseNumberCell, parseStepCell, readYamlParams } from '../values';
import { dict } from '../../../shared/dict';

/** Folders holding one TSV per metric, newest layout first. */
const SERIES_DIRS = ['plots/metrics', 'scalars'];

interface TsvState {
  tail: FileTail;
  name: string;
  /** Column indexes from the header; undefined until the header line was read. */
  header?: { step: number; value: number; timestamp: number };
}

/** Reads one DVCLive folder as one run, incrementally (each TSV is tailed). */
export class DvcliveReader implements MetricReader {
  readonly source: SourceSpec;
  private readonly series = new Map<string, TsvState>();
  private params: Record<string, ParamValue> = dict();
  private paramsStamp = '';
  private summaryStamp = '';
  /** Summary-only metrics already returned, name → `step:value`. */
  private readonly summaryPoints = new Map<string, string>();
  private started = false;

  /** @param dir absolute path of the DVCLive folder. */
  constructor(readonly dir: string) {
    this.source = { format: 'dvclive', path: dir };
  }

  get runId(): string {
    return basename(this.dir);
  }

  async read(): Promise<ReadResult> {
    const warnings: ReadWarning[] = [];
    const metrics = new Map<string, MetricPoint[]>();
    let wasReset = false;
    for (const seriesDir of SERIES_DIRS) {
      const base = join(this.dir, seriesDir);
      for (const rel of await listTsv(base)) {
        const name = rel.slice(0, -'.tsv'.length);
        const key = `${seriesDir}/${rel}`;
        let state = this.series.get(key);
        if (!state) {
          state = { tail: new FileTail(join(base, rel)), name };
          this.series.set(key, state);
        }
        if (await readTsv(state, metrics, warnings)) {
          wasReset = true;
        }
      }
    }
    if (wasReset) {
      // A TSV was rewritten (a new run in the same folder): start the whole folder over.
      for (const state of this.series.values()) {
        state.tail.restart();
        state.header = undefined;
      }
      this.summaryPoints.clear();
      metrics.clear();
      for (const state of this.series.values()) {
        await readTsv(state, metrics, warnings);
      }
    }
    const paramsChanged = await this.readParams(warnings);
    await this.readSummary(metrics, warnings);
    const first = !this.started;
    this.started = true;
    if (!first && !paramsChanged && metrics.size === 0 && !wasReset) {
      return { runs: [], warnings };
    }
    const run: SeriesRun = {
      id: this.runId,
      name: `${basename(dirname(this.dir))}/${basename(this.dir)}`,
      source: 'dvclive',
      path: this.dir,
      metrics,
      params: { ...this.params },
      tags: {},
    };
    return { runs: [run], warnings, reset: wasReset ? [run.id] : [] };
  }

  private async readParams(warnings: ReadWarning[]): Promise<boolean> {
    const file = join(this.dir, 'params.yaml');
    const stamp = await fileStamp(file);
    if (stamp === this.paramsStamp) {
      return false;
    }
    this.paramsStamp = stamp;
    this.params = (await readYamlParams(file, warnings)) ?? {};
    return true;
  }

  /** Reads metrics.json (or the legacy `<dir>.json`) and adds points for metrics that have no TSV. */
  private async readSummary(metrics: Map<string, MetricPoint[]>, warnings: ReadWarning[]): Promise<void> {
    let file = join(this.dir, 'metrics.json');
    let stamp = await fileStamp(file);
    if (!stamp) {
      file = `${this.dir}.json`;
      stamp = await fileStamp(file);
    }
    if (!stamp || stamp === this.summaryStamp) {
      return;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      this.summaryStamp = stamp; // warned once until the file changes
      warnings.push({ file, message: `cannot read summary: ${(error as Error).message}` });
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      // DVCLive rewrites the summary on every step; a read that races the write sees it cut short.
      warnings.push({ file, message: `summary is not valid JSON: ${(error as Error).message}` });
      return;
    }
    this.summaryStamp = stamp;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      return;
    }
    const values = new Map<string, number>();
    flattenNumbers(data as Record<string, unknown>, '', values);
    const step = parseStepCell(String(values.get('step') ?? 0)) ?? 0;
    values.delete('step');
    const withSeries = new Set([...this.series.values()].map((s) => s.name));
    for (const [name, value] of values) {
      if (withSeries.has(name)) {
        continue;
      }
      const key = `${step}:${value}`;
      if (this.summaryPoints.get(name) !== key) {
        this.summaryPoints.set(name, key);
        pushPoint(metrics, name, { step, value });
      }
    }
  }
}

/** Reads new lines of one TSV into `metrics`; returns true when the file was rewritten. */
async function readTsv(
  state: TsvState,
  metrics: Map<string, MetricPoint[]>,
  warnings: ReadWarning[],
): Promise<boolean> {
  let read;
  try {
    read = await state.tail.read();
  } catch (error) {
    warnings.push({ file: state.tail.file, message: `cannot read: ${(error as Error).message}` });
    return false;
  }
  if (read.reset) {
    return true;
  }
  for (const { text, line } of read.lines) {
    if (text.trim() === '') {
      continue;
    }
    const cells = text.split('\t');
    if (!state.header) {
      const step = cells.indexOf('step');
      const timestamp = cells.indexOf('timestamp');
      let value = -1;
      for (let i = cells.length - 1; i >= 0; i--) {
        if (i !== step && i !== timestamp) {
          value = i;
          break;
        }
      }
      if (step < 0) {
        warnings.push({ file: state.tail.file, line, message: 'header has no "step" column; file skipped' });
        state.header = { step: -1, value: -1, timestamp: -1 };
        continue;
      }
      state.header = { step, value: value < 0 ? step : value, timestamp };
      continue;
    }
    const header = state.header;
    if (header.step < 0) {
      continue;
    }
    const valueText = cells[header.value] ?? '';
    const value = parseNumberCell(valueText);
    // DVCLive writes a diverged value as `nan`/`inf` (Python's str): kept as a non-finite point.
    if (value === undefined) {
      warnings.push({
        file: state.tail.file,
        line,
        message: `value ${JSON.stringify(valueText)} is not a number`,
      });
      continue;
    }
    const stepText = cells[header.step] ?? '';
    const step = parseStepCell(stepText);
    if (step === undefined) {
      warnings.push({
        file: state.tail.file,
        line,
        message: `step ${JSON.stringify(stepText)} is not an integer >= 0`,
      });
      continue;
    }
    const point: MetricPoint = { step, value };
    if (header.timestamp >= 0) {
      const time = parseNumberCell(cells[header.timestamp] ?? '');
      if (time !== undefined && Number.isFinite(time)) {
        point.time = time;
      }
    }
    pushPoint(metrics, state.name, point);
  }
  return false;
}

function flattenNumbers(obj: Record<string, unknown>, prefix: string, out: Map<string, number>): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}/${k}` : k;
    if (typeof v === 'number' && Number.isFinite(v)) {
      out.set(name, v);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      flattenNumbers(v as Record<string, unknown>, name, out);
    }
  }
}

/** `mtime:size` of a file; '' when it does not exist; the error code when it cannot be looked at (read once, to warn). */
async function fileStamp(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.mtimeMs}:${info.size}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? '' : `error:${code}`;
  }
}

/** `.tsv` files under `dir`, recursively, as sorted `/`-joined relative paths. */
async function listTsv(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...(await listTsv(join(dir, entry.name), rel)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.tsv')) {
      out.push(rel);
    }
  }
  return out.sort();
}
