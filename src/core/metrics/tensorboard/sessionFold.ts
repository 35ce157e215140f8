/**
 * Runs of a TensorBoard logdir as people think of them, over the per-folder runs a logdir reader
 * returns (run id = folder relative to the logdir, `.` for the logdir itself):
 *
 * - `SummaryWriter.add_hparams` (tensorboardX, `torch.utils.tensorboard`) writes its HParams records
 *   and `metric_dict` scalars into a new sub-folder named by `str(time.time())`
 *   (e.g. `runs/lr_0.1/1796557262.3785126/`). Such a folder is folded into its parent run: its params
 *   become the parent's and its scalars the parent's series (`hparam/accuracy`), so each training
 *   does not add a run, nor, under `xlens run`, a metric named after a time.
 * - A run folder below one that holds HParams session params (Keras writes `train/` and
 *   `validation/` below the folder given to `hp.hparams`) gets those params, under its own.
 */
import type { ParamValue } from '../../runs/types';
import type { MetricReader, ReadResult, SourceSpec } from '../readers';
import type { MetricPoint, SeriesRun } from '../series';
import { dict } from '../../../shared/dict';

/** A sub-folder name as `add_hparams` makes it: `str(time.time())`, Unix seconds with a fraction. */
const SESSION_FOLDER = /^\d{9,11}\.\d+$/;

/** The run a folder's run is folded into (its parent's id), or `undefined` when it stays a run. */
export function foldedInto(id: string): string | undefined {
  const cut = id.lastIndexOf('/');
  const name = id.slice(cut + 1);
  if (id === '.' || !SESSION_FOLDER.test(name)) {
    return undefined;
  }
  return cut < 0 ? '.' : id.slice(0, cut);
}

/** Wraps a logdir reader (runs named by relative folder) with the folding described above. */
export class HParamsSessionFold implements MetricReader {
  readonly source: SourceSpec;
  /** Per run id: its own params and those of the `add_hparams` folders folded into it. */
  private readonly own = new Map<string, Record<string, ParamValue>>();
  private readonly folded = new Map<string, Record<string, ParamValue>>();
  /** Runs returned so far (their last metadata), to re-send children when an ancestor's params change. */
  private readonly seen = new Map<string, SeriesRun>();

  constructor(private readonly inner: MetricReader) {
    this.source = inner.source;
  }

  async read(options: { signal?: AbortSignal } = {}): Promise<ReadResult> {
    const result = await this.inner.read(options);
    const out = new Map<string, SeriesRun>();
    const paramsChanged = new Set<string>();
    for (const run of result.runs) {
      const parent = foldedInto(run.id);
      const id = parent ?? run.id;
      const store = parent === undefined ? this.own : this.folded;
      if (!sameParams(store.get(id), run.params)) {
        store.set(id, run.params);
        paramsChanged.add(id);
      }
      const target = out.get(id) ?? this.blank(id, run, parent !== undefined);
      out.set(id, target);
      const { startTime, endTime } = target;
      if (parent === undefined) {
        Object.assign(target, { ...run, metrics: target.metrics });
      }
      target.startTime = min(startTime, run.startTime);
      target.endTime = max(endTime, run.endTime);
      for (const [name, points] of run.metrics) {
        appendAll(target.metrics, name, points);
      }
    }
    // Children of a run whose params changed carry the new ones: re-sent with their metadata.
    for (const changed of paramsChanged) {
      for (const [id, run] of this.seen) {
        if (id !== changed && isBelow(id, changed) && !out.has(id)) {
          out.set(id, { ...run, metrics: new Map() });
        }
      }
    }
    for (const run of out.values()) {
      // A copy with own keys (as the other readers give params), so the run's params survive a JSON round trip unchanged.
      run.params = { ...this.paramsOf(run.id) };
      this.seen.set(run.id, { ...run, metrics: new Map() });
    }
    const removed = (result.removed ?? []).filter((id) => foldedInto(id) === undefined);
    removed.forEach((id) => {
      this.seen.delete(id);
      this.own.delete(id);
    });
    return {
      runs: [...out.values()],
      warnings: result.warnings,
      reset: [...new Set((result.reset ?? []).map((id) => foldedInto(id) ?? id))],
      removed,
    };
  }

  dispose(): void {
    this.inner.dispose?.();
  }

  /** A run's params: its ancestors' session params, then its own, then its folded sessions'. */
  private paramsOf(id: string): Record<string, ParamValue> {
    const params = dict<ParamValue>();
    const chain: string[] = [];
    for (let at: string | undefined = id; at !== undefined; at = parentOf(at)) {
      chain.unshift(at);
    }
    for (const at of chain) {
      Object.assign(params, this.own.get(at), this.folded.get(at));
    }
    return params;
  }

  /** The delta of run `id` before anything is added, from the first run read for it. */
  private blank(id: string, from: SeriesRun, fromChild: boolean): SeriesRun {
    const known = this.seen.get(id);
    if (known) {
      return { ...known, metrics: new Map() };
    }
    if (!fromChild) {
      return { ...from, metrics: new Map() };
    }
    const cut = from.path.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
    return {
      ...from,
      id,
      name: id,
      path: cut > 0 ? from.path.slice(0, cut) : from.path,
      metrics: new Map(),
      params: dict(),
    };
  }
}

/** The run folder above `id` (`.` for a top-level folder), or `undefined` for `.`. */
function parentOf(id: string): string | undefined {
  if (id === '.') {
    return undefined;
  }
  const cut = id.lastIndexOf('/');
  return cut < 0 ? '.' : id.slice(0, cut);
}

function isBelow(id: string, ancestor: string): boolean {
  return ancestor === '.' ? id !== '.' : id.startsWith(`${ancestor}/`);
}

function sameParams(a: Record<string, ParamValue> | undefined, b: Record<string, ParamValue>): boolean {
  const keys = Object.keys(b);
  return a !== undefined && Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}

function appendAll(metrics: Map<string, MetricPoint[]>, name: string, points: MetricPoint[]): void {
  const series = metrics.get(name);
  if (series) {
    series.push(...points);
  } else {
    metrics.set(name, [...points]);
  }
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
