/**
 * What a built-in job process shares with the runner (see the built-in job contract in DESIGN.md):
 * the run folder, the metrics file in the metrics protocol, `info.json` for run.json's `info`, and
 * progress lines on stdout.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { mulberry32 } from './random';
import { dict } from '../../shared/dict';

export interface JobContext {
  /** Absolute run folder (`XLENS_RUN_DIR`, else the folder of task.json). */
  runDir: string;
  /** Absolute metrics file (`XLENS_METRICS_FILE`, else `<runDir>/metrics.jsonl`). */
  metricsFile: string;
  /** Folder that relative data paths are resolved against (the workspace root, the process cwd). */
  root: string;
  /** Run id when started by the runner. */
  runId?: string;
}

/** Builds the context from the runner's environment, with fallbacks for running a task.json by hand. */
export function jobContextFromEnv(taskFile: string, env: NodeJS.ProcessEnv = process.env): JobContext {
  const runDir = resolve(env.XLENS_RUN_DIR ?? dirname(resolve(taskFile)));
  return {
    runDir,
    metricsFile: resolve(env.XLENS_METRICS_FILE ?? join(runDir, 'metrics.jsonl')),
    root: process.cwd(),
    ...(env.XLENS_RUN_ID ? { runId: env.XLENS_RUN_ID } : {}),
  };
}

/** `<runDir>/artifacts`, created on first use. */
export function artifactsDir(ctx: JobContext): string {
  const dir = join(ctx.runDir, 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Appends one metrics-protocol line `{"step", "time", "values"}` and flushes it before returning, so
 * a killed process keeps every line written so far. Non-finite values are left out (the protocol
 * admits only finite numbers); nothing is written when no value remains.
 * @returns the names that were left out.
 */
export function writeMetrics(ctx: JobContext, step: number, values: Record<string, number>): string[] {
  const kept: Record<string, number> = dict();
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (Number.isFinite(value)) {
      kept[name] = value;
    } else {
      dropped.push(name);
    }
  }
  if (Object.keys(kept).length > 0) {
    mkdirSync(dirname(ctx.metricsFile), { recursive: true });
    appendFileSync(ctx.metricsFile, `${JSON.stringify({ step, time: Date.now(), values: kept })}\n`);
  }
  return dropped;
}

/** Merges `facts` into `<runDir>/info.json` (written atomically: temp file + rename). */
export function mergeInfo(ctx: JobContext, facts: Record<string, unknown>): void {
  const file = join(ctx.runDir, 'info.json');
  let current: Record<string, unknown> = dict();
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      current = {};
    }
  }
  mkdirSync(ctx.runDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ ...current, ...facts }, null, 2)}\n`);
  renameSync(temp, file);
}

/** Writes a JSON artifact (pretty-printed) and returns its path. */
export function writeJsonArtifact(ctx: JobContext, name: string, value: unknown): string {
  const file = join(artifactsDir(ctx), name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/**
 * Runs `body` with `Math.random` seeded, so every unseeded random draw in it is reproducible
 * (TensorFlow.js' dropout masks and its fit-time shuffling draw from `Math.random`), and puts the
 * original `Math.random` back when `body` settles, also when it throws: code sharing the process
 * (tests calling the trainer in-process) is not affected.
 */
export async function withSeededRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = mulberry32(seed ^ 0x5bd1e995);
  try {
    return await body();
  } finally {
    Math.random = original;
  }
}

/** `name=value` pairs with 4 significant digits, for progress lines. */
export function formatValues(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${Number.isFinite(v) ? Number(v.toPrecision(4)) : v}`)
    .join(' ');
}
