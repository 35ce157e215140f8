// Benchmark of the W&B run-file reader (src/core/metrics/wandb) on 2 million history points:
// 200,000 steps × 8 metrics (3 nested keys) plus `_runtime`, one history record and one summary
// record per step as the W&B SDK writes them, about 110 MB. The file is written by our own writer
// (src/core/metrics/wandb/logWriter.ts, same schema and framing) into a temporary folder and deleted
// after the run. Reported, each measured in its own child process in this run, page cache warm:
//   - the time Node takes merely to read the same bytes;
//   - our reader (WandbRunReader.read(): every chunk's CRC-32 checked, every record decoded, points
//     as MetricPoint objects), points/s and peak RSS;
//   - W&B's own decoding in Python, when a Python with `wandb` is found (/work/venv-wandb, or
//     XLENS_WANDB_PYTHON): CRC-32 per chunk and wandb_internal_pb2.Record per record
//     (bench/wandb.bench.py; wandb 0.30 has no `wandb.sdk.internal.datastore` any more);
// and the ratios: against W&B's Python decoding with its target (≥ 1×: at least as fast as W&B's own
// decoding), and against the byte read (for where the time goes).
// Both readers report the number of points and the sum of finite values, which must agree.
// Usage: node bench/run.mjs wandb
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WandbLogWriter } from '../src/core/metrics/wandb/logWriter';
import { WandbRunReader } from '../src/core/metrics/wandb/wandbReader';

const STEPS = Number(process.env.XLENS_BENCH_WANDB_STEPS ?? 200_000);
const METRICS = ['loss', 'lr', 'train/acc', 'train/f1', 'eval/acc', 'eval/loss', 'grad_norm', 'epoch'];
/** Points per step: the metrics plus `_runtime` (kept as a series; `_step`, `_timestamp` are axes). */
const POINTS = STEPS * (METRICS.length + 1);
const DATA_ENV = 'XLENS_BENCH_WANDB_DATA';
const DATA = process.env[DATA_ENV] ?? mkdtempSync(join(tmpdir(), 'xlens-bench-wandb-'));
const RUN_DIR = join(DATA, 'wandb', 'offline-run-20261206_120000-bench001');
const FILE = join(RUN_DIR, 'run-bench001.wandb');
const PYTHONS = [process.env.XLENS_WANDB_PYTHON, '/work/venv-wandb/bin/python'].filter(
  (p): p is string => !!p,
);

interface Measure {
  seconds: number;
  cpu?: number;
  points?: number;
  sum?: number;
  maxRssMb?: number;
  implementation?: string;
}

function generate(): void {
  mkdirSync(RUN_DIR, { recursive: true });
  const writer = new WandbLogWriter();
  const t0 = 1_796_000_000;
  writer.writeRun('bench001', 'bench-run', 'xlens-bench', t0 * 1000);
  const values = new Map<string, number>();
  for (let step = 0; step < STEPS; step++) {
    METRICS.forEach((name, k) => values.set(name, Math.sin(step * 0.001 + k) * (1 + k) + step / STEPS));
    writer.writeStep(step, t0 + step * 0.05, step * 0.05, values);
  }
  writer.writeExit(0, STEPS * 0.05);
  writeFileSync(FILE, writer.bytes());
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

async function childOurs(): Promise<Measure> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await new WandbRunReader(RUN_DIR).read();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  if (result.warnings.length > 0) {
    throw new Error(`warnings: ${JSON.stringify(result.warnings.slice(0, 3))}`);
  }
  let points = 0;
  let sum = 0;
  for (const series of result.runs[0].metrics.values()) {
    points += series.length;
    for (const p of series) {
      if (Number.isFinite(p.value)) {
        sum += p.value;
      }
    }
  }
  return { seconds, cpu, points, sum, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function childBytes(): Measure {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = readFileSync(FILE);
  return {
    seconds: (performance.now() - t0) / 1000,
    cpu: cpuSeconds(process.cpuUsage(cpu0)),
    points: bytes.length,
  };
}

function runChild(mode: string): Measure {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename, 'child', mode], {
    encoding: 'utf8',
    env: { ...process.env, [DATA_ENV]: DATA },
  });
  if (result.status !== 0) {
    throw new Error(`child ${mode} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measure;
}

function findPython(): string | undefined {
  return PYTHONS.find(
    (p) => spawnSync(p, ['-c', 'import wandb.proto.wandb_internal_pb2'], { stdio: 'ignore' }).status === 0,
  );
}

const fmt = (n: number, digits = 2): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const best = (run: () => Measure, times: number): Measure =>
  Array.from({ length: times }, run).reduce((a, b) => (b.seconds < a.seconds ? b : a));

async function main(): Promise<void> {
  const mode = process.argv[2] === 'child' ? process.argv[3] : undefined;
  if (mode) {
    console.log(JSON.stringify(mode === 'bytes' ? childBytes() : await childOurs()));
    return;
  }
  process.on('exit', () => rmSync(DATA, { recursive: true, force: true }));
  const g0 = performance.now();
  generate();
  const size = statSync(FILE).size;
  console.log(
    `W&B reader: ${POINTS.toLocaleString('en-US')} history points (${STEPS.toLocaleString('en-US')} steps × ${METRICS.length + 1} series), ${fmt(size / 1e6, 1)} MB, generated in ${fmt((performance.now() - g0) / 1000, 1)} s; ${cpus().length} CPUs`,
  );
  runChild('bytes'); // warm the page cache
  const bytes = best(() => runChild('bytes'), 3);
  const ours = best(() => runChild('ours'), 3);
  if (ours.points !== POINTS) {
    throw new Error(`our reader returned ${ours.points} points, expected ${POINTS}`);
  }
  const python = findPython();
  let py: Measure | undefined;
  if (python) {
    py = best(() => {
      const r = spawnSync(python, [join(__dirname, 'wandb.bench.py'), FILE], { encoding: 'utf8' });
      if (r.status !== 0) {
        throw new Error(`python reference failed: ${r.stderr}`);
      }
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
    }, 2);
  }
  const rate = (m: Measure): string => `${fmt(POINTS / m.seconds / 1e6)} M points/s`;
  const rows: [string, Measure, string][] = [
    ['Node readFileSync, same bytes', bytes, `${fmt(size / 1e9 / bytes.seconds)} GB/s`],
    [
      'Experiment Lens reader (read(), MetricPoint objects)',
      ours,
      `${rate(ours)}   peak RSS ${fmt(ours.maxRssMb!, 0)} MB`,
    ],
  ];
  if (py) {
    rows.push([`W&B decoding in Python (${py.implementation})`, py, rate(py)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`  ${''.padEnd(width)}  ${'wall s'.padStart(8)}  ${'CPU s'.padStart(8)}`);
  for (const [k, m, note] of rows) {
    console.log(
      `  ${k.padEnd(width)}  ${fmt(m.seconds).padStart(8)}  ${fmt(m.cpu ?? NaN).padStart(8)}   ${note}`,
    );
  }
  const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const ratio = (label: string, wall: number, cpu: number, target: string, ok: boolean): void =>
    console.log(
      `  ${label.padEnd(22)} ${fmt(wall).padStart(7)}× wall  ${fmt(cpu).padStart(7)}× CPU   target ${target}   ${mark(ok)}`,
    );
  console.log(
    `  ours / byte read       ${fmt(ours.seconds / bytes.seconds).padStart(7)}× wall  ${fmt(ours.cpu! / bytes.cpu!).padStart(7)}× CPU   (where the time goes: decoding W&B's JSON-in-protobuf items, not I/O)`,
  );
  if (py) {
    ratio(
      'W&B Python / ours',
      py.seconds / ours.seconds,
      py.cpu! / ours.cpu!,
      '≥ 1× ',
      py.seconds / ours.seconds >= 1,
    );
    const agree =
      py.points === ours.points && Math.abs(py.sum! - ours.sum!) <= 1e-9 * Math.max(1, Math.abs(ours.sum!));
    console.log(
      `  same data: ${py.points?.toLocaleString('en-US')} points, value sums ${agree ? 'agree' : `DIFFER (${py.sum} vs ${ours.sum})`}`,
    );
  } else {
    console.log(
      `  W&B's Python decoding skipped: no Python with wandb (looked at ${PYTHONS.join(', ')}; set XLENS_WANDB_PYTHON).`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
