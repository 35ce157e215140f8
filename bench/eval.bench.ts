// Benchmark of `xlens eval` on 1,000,000 binary predictions (a CSV of y, pred, proba written once to
// bench/.data/ from a seeded generator: 30 % positives, scores from a logistic of a shifted normal,
// written with full precision, so nearly every score is distinct) against scikit-learn computing the
// same metrics and curves from the same CSV with pandas' read included (bench/eval.bench.py, Debian
// python3-sklearn + python3-pandas under /usr/bin/python3), in the same run.
// Ours: the built CLI (dist/cli.js) as a whole process, start-up, reading, evaluation and writing the
// JSON report included. Baseline: the script's own time for pandas.read_csv plus the metrics
// (interpreter start-up and imports excluded, which favours the baseline). Best of a few runs each.
// Target: our wall time ≤ 0.5 × scikit-learn's. Also checks the main values agree (1e-9 relative).
// Usage: npm run bench (builds first), or node bench/run.mjs eval after `node esbuild.js`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../src/core/data/load';
import { evaluateTable } from '../src/core/eval/evaluateFile';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DATA = join(__dirname, '.data');
const CSV = join(DATA, 'eval-1m.csv');
const PYTHON = '/usr/bin/python3';
const ROWS = 1_000_000;
const TARGET = 0.5;
const OUR_RUNS = 3;
const PYTHON_RUNS = 2;

/** Deterministic generator (mulberry32). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeData(): void {
  if (existsSync(CSV)) {
    return;
  }
  mkdirSync(DATA, { recursive: true });
  const random = generator(20261206);
  const lines = ['y,pred,proba'];
  for (let i = 0; i < ROWS; i++) {
    const y = random() < 0.3 ? 1 : 0;
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const p = 1 / (1 + Math.exp(-(normal + 1.2 * y - 0.4)));
    lines.push(`${y},${p > 0.5 ? 1 : 0},${p}`);
  }
  writeFileSync(CSV, `${lines.join('\n')}\n`);
}

/** CPU seconds of this process's waited-for children so far (Linux `/proc/self/stat` cutime + cstime). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in ticks of 1/100 s
  } catch {
    return NaN;
  }
}

interface Ours {
  seconds: number;
  /** CPU time of the whole process (user + system). */
  cpuSeconds: number;
  values: Record<string, number>;
}

function runOurs(): Ours {
  const out = join(tmpdir(), `xlens-eval-bench-${process.pid}.json`);
  const started = performance.now();
  const cpuBefore = childrenCpuSeconds();
  const result = spawnSync(process.execPath, [CLI, 'eval', CSV, '--json', out], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = childrenCpuSeconds() - cpuBefore;
  if (result.status !== 0) {
    throw new Error(`xlens eval failed (${result.status}): ${result.stderr}`);
  }
  const ev = JSON.parse(readFileSync(out, 'utf8')).evaluation;
  rmSync(out, { force: true });
  return {
    seconds,
    cpuSeconds,
    values: {
      accuracy: ev.accuracy,
      balanced_accuracy: ev.balancedAccuracy,
      mcc: ev.mcc,
      kappa: ev.kappa,
      f1_macro: ev.macro.f1,
      log_loss: ev.scores.logLoss,
      brier: ev.scores.brier,
      roc_auc: ev.scores.rocAuc,
      average_precision: ev.scores.averagePrecision,
      best_f1_threshold: ev.scores.thresholds.best.threshold,
    },
  };
}

interface Baseline {
  seconds: number;
  cpuSeconds: number;
  readSeconds: number;
  processSeconds: number;
  values: Record<string, number>;
}

/** Our read and evaluation separately, in this process (where the time goes). */
async function inProcess(): Promise<{ readSeconds: number; evaluateSeconds: number }> {
  const started = performance.now();
  const table = await loadTable(CSV);
  const read = performance.now();
  await evaluateTable(table, CSV);
  return { readSeconds: (read - started) / 1000, evaluateSeconds: (performance.now() - read) / 1000 };
}

function runBaseline(): Baseline {
  const started = performance.now();
  const result = spawnSync(PYTHON, [join(__dirname, 'eval.bench.py'), CSV], { encoding: 'utf8' });
  const processSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`eval.bench.py failed (${result.status}): ${result.stderr}`);
  }
  return { ...(JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Baseline), processSeconds };
}

function sklearnVersion(): string | undefined {
  const check = spawnSync(
    PYTHON,
    ['-c', 'import sklearn, pandas; print(sklearn.__version__, pandas.__version__)'],
    {
      encoding: 'utf8',
    },
  );
  return check.status === 0 ? check.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing; run "node esbuild.js" (or npm run build) first.`);
    process.exitCode = 1;
    return;
  }
  writeData();
  console.log(`${ROWS.toLocaleString('en')} binary predictions (${CSV})`);
  const ours = Array.from({ length: OUR_RUNS }, runOurs).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const versions = sklearnVersion();
  const split = await inProcess();
  console.log(
    `xlens eval (whole process, best of ${OUR_RUNS}): ${ours.seconds.toFixed(2)} s ` +
      `(in process: reading the CSV ${split.readSeconds.toFixed(2)} s, evaluation ${split.evaluateSeconds.toFixed(2)} s)`,
  );
  if (!versions) {
    console.log(`scikit-learn baseline skipped: ${PYTHON} with sklearn and pandas not found.`);
    return;
  }
  const baseline = Array.from({ length: PYTHON_RUNS }, runBaseline).reduce((a, b) =>
    b.seconds < a.seconds ? b : a,
  );
  const [sk, pd] = versions.split(' ');
  console.log(
    `scikit-learn ${sk} + pandas ${pd} (best of ${PYTHON_RUNS}): ${baseline.seconds.toFixed(2)} s ` +
      `(read_csv ${baseline.readSeconds.toFixed(2)} s; whole process ${baseline.processSeconds.toFixed(2)} s)`,
  );
  const ratio = ours.seconds / baseline.seconds;
  console.log(
    `CPU seconds: ours ${ours.cpuSeconds.toFixed(2)} (whole process) vs scikit-learn ${baseline.cpuSeconds.toFixed(2)} ` +
      `(read + metrics): ratio ${(ours.cpuSeconds / baseline.cpuSeconds).toFixed(2)} (the stable figure when CPUs are shared)`,
  );
  console.log(
    `ratio wall time ours / scikit-learn: ${ratio.toFixed(2)} (target ≤ ${TARGET}) ${ratio <= TARGET ? 'MET' : 'NOT MET'}; ` +
      `against its whole process: ${(ours.seconds / baseline.processSeconds).toFixed(2)}; ` +
      `evaluation only (ours in process / scikit-learn without read_csv): ` +
      `${(split.evaluateSeconds / (baseline.seconds - baseline.readSeconds)).toFixed(2)}`,
  );
  const load = loadavg()[0];
  if (load > cpus().length) {
    console.log(
      `note: load average ${load.toFixed(1)} on ${cpus().length} CPUs while measuring; wall times include waiting for a CPU.`,
    );
  }
  let agree = true;
  for (const [name, theirs] of Object.entries(baseline.values)) {
    const mine = ours.values[name];
    const relative = Math.abs(mine - theirs) / Math.max(Math.abs(theirs), 1e-300);
    const ok = relative <= 1e-9 || Math.abs(mine - theirs) <= 1e-12;
    agree &&= ok;
    console.log(
      `  ${name}: ${mine} vs ${theirs} (relative difference ${relative.toExponential(1)})${ok ? '' : '  MISMATCH'}`,
    );
  }
  console.log(agree ? 'same values: yes' : 'same values: NO');
  if (!agree) {
    process.exitCode = 1;
  }
}

void main();
