/**
 * How a run relates to the runs of its task before it: the params it changed since the previous run
 * of the task, whether it re-runs an earlier run (recorded `reproducedFrom`, or the same task, params
 * and code), and whether the built-in trainer stopped it early. What the Runs view rows show; pure.
 */
import type { ParamValue, RunRecord } from './types';

/** A param whose value differs from the previous run of the task. */
export interface ParamChange {
  /** The flattened param name (`a.b.c`). */
  name: string;
  /** Its value in this run; `undefined` when this run does not have the param any more. */
  value: ParamValue | undefined;
  /** Its value in the previous run; `undefined` when the param is new. */
  before: ParamValue | undefined;
}

/** A run's place among the earlier runs of its task. */
export interface RunLineage {
  /** The run of the same task created just before this one, if any. */
  previous?: RunRecord;
  /** The params that differ from {@link previous}'s, in this run's order (then removed ones). */
  changes: ParamChange[];
  /**
   * The run this one repeats: the one named by `reproducedFrom` (`via: 'reproduce'`), else the latest
   * earlier run of the task with the same params and the same code (commit and snapshot).
   */
  rerunOf?: { id: string; via: 'reproduce' | 'sameParams' };
}

/** How the built-in trainer's early stopping ended a run (`info.stoppedEarly`, written by the trainer). */
export interface EarlyStop {
  /** Epochs trained before stopping (`info.epochsRun`). */
  epochsRun?: number;
  /** Epoch whose weights were kept (`info.bestEpoch`). */
  bestEpoch?: number;
}

/** The early stop a run records, or undefined when it ran to the end (or is not a built-in training). */
export function earlyStopOf(run: RunRecord): EarlyStop | undefined {
  const info = run.info;
  if (info?.stoppedEarly !== true) {
    return undefined;
  }
  const count = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  const epochsRun = count(info.epochsRun);
  const bestEpoch = count(info.bestEpoch);
  return {
    ...(epochsRun !== undefined ? { epochsRun } : {}),
    ...(bestEpoch !== undefined ? { bestEpoch } : {}),
  };
}

/** The params of `run` that differ from those of `before` (new, changed, then removed ones). */
export function paramChanges(run: RunRecord, before: RunRecord): ParamChange[] {
  const changes: ParamChange[] = [];
  for (const [name, value] of Object.entries(run.params)) {
    const old = Object.hasOwn(before.params, name) ? before.params[name] : undefined;
    if (old === undefined || !Object.is(old, value)) {
      changes.push({ name, value, before: old });
    }
  }
  for (const [name, old] of Object.entries(before.params)) {
    if (!Object.hasOwn(run.params, name)) {
      changes.push({ name, value: undefined, before: old });
    }
  }
  return changes;
}

/** A key equal for runs of the same task, params and code. */
function sameRunKey(run: RunRecord): string {
  const params = Object.entries(run.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([run.task, run.git.commit, run.git.snapshot, params]);
}

/** Where each run is among its task's runs and which runs share its commit: one pass, no keys. */
interface LineageIndex {
  /** The runs of each task, newest first. */
  byTask: Map<string, RunRecord[]>;
  /** Each run's position in its task's list (by id). */
  position: Map<string, number>;
  /** The runs of each commit (`null`: none), newest first: a re-run has its run's commit. */
  byCommit: Map<string | null, RunRecord[]>;
}

function lineageIndex(newestFirst: readonly RunRecord[]): LineageIndex {
  const byTask = new Map<string, RunRecord[]>();
  const position = new Map<string, number>();
  const byCommit = new Map<string | null, RunRecord[]>();
  for (const run of newestFirst) {
    const ofTask = byTask.get(run.task);
    if (ofTask === undefined) {
      byTask.set(run.task, [run]);
      position.set(run.id, 0);
    } else {
      position.set(run.id, ofTask.push(run) - 1);
    }
    const commit = run.git.commit ?? null;
    const ofCommit = byCommit.get(commit);
    if (ofCommit === undefined) {
      byCommit.set(commit, [run]);
    } else {
      ofCommit.push(run);
    }
  }
  return { byTask, position, byCommit };
}

/**
 * The lineage of each run of a listing, worked out when first asked: the previous run of the task
 * from the task's runs in order, and the run it repeats from the runs of its commit only (the
 * same-params key includes the commit), keys computed for that commit's runs once. A Runs view that
 * shows a few commit groups of 10,000 runs then computes a few dozen keys, not 10,000; asked for
 * every run, it does the work of one pass from the oldest run.
 * @param newestFirst runs sorted newest first (as the Runs view and `xlens runs` list them).
 * @returns a function giving a run's lineage (computed on the first ask, then kept).
 */
export function lineages(newestFirst: readonly RunRecord[]): (run: RunRecord) => RunLineage {
  let index: LineageIndex | undefined;
  const rerunOf = new Map<string, string>();
  const keyed = new Set<string | null>();
  /** Finds the runs each run of `commit` repeats: in order from its oldest run, as one pass would. */
  const keyCommit = (runs: readonly RunRecord[]): void => {
    const lastSame = new Map<string, string>();
    for (let i = runs.length - 1; i >= 0; i--) {
      const run = runs[i];
      const key = sameRunKey(run);
      const same = lastSame.get(key);
      if (same !== undefined) {
        rerunOf.set(run.id, same);
      }
      lastSame.set(key, run.id);
    }
  };
  const known = new Map<string, RunLineage>();
  return (run) => {
    const cached = known.get(run.id);
    if (cached !== undefined) {
      return cached;
    }
    index ??= lineageIndex(newestFirst);
    const at = index.position.get(run.id);
    const before = at === undefined ? undefined : index.byTask.get(run.task)?.[at + 1];
    const commit = run.git.commit ?? null;
    if (typeof run.reproducedFrom !== 'string' && !keyed.has(commit)) {
      keyed.add(commit);
      keyCommit(index.byCommit.get(commit) ?? []);
    }
    const same = rerunOf.get(run.id);
    const lineage: RunLineage = {
      ...(before !== undefined ? { previous: before } : {}),
      changes: before !== undefined ? paramChanges(run, before) : [],
      ...(typeof run.reproducedFrom === 'string'
        ? { rerunOf: { id: run.reproducedFrom, via: 'reproduce' as const } }
        : same !== undefined
          ? { rerunOf: { id: same, via: 'sameParams' as const } }
          : {}),
    };
    known.set(run.id, lineage);
    return lineage;
  };
}

/** A param value as a row shows it: numbers and booleans as written, strings bare unless ambiguous. */
export function paramValueText(value: ParamValue | undefined): string {
  if (value === undefined) {
    return '(removed)';
  }
  if (typeof value === 'string' && /^[\w./:@+-]+$/.test(value) && !/^(true|false|null|[-+.\d])/.test(value)) {
    return value;
  }
  return JSON.stringify(value);
}

/**
 * `lr=0.003 epochs=400`: the changes as one line, at most `max` of them then `+N more`.
 * Names and values come from the workspace: callers print them as text (never as markup or code).
 */
export function paramChangesText(changes: readonly ParamChange[], max = changes.length): string {
  const shown = changes.slice(0, max).map((c) => `${c.name}=${paramValueText(c.value)}`);
  if (changes.length > max) {
    shown.push(`+${changes.length - max} more`);
  }
  return shown.join(' ');
}
