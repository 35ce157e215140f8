// Benchmark of the TensorBoard event-file reader (src/core/metrics/tensorboard) on 10 million scalar
// points: 100 tags × 100,000 steps, in 4 runs of 25 tags (two written PyTorch-style with
// simple_value, two TF2-style with rank-0 DT_FLOAT tensors; one run split over two files), one event
// per point as real writers do. The logdir is generated once into bench/.data/ by our own writer
// (same protobufjs schema, same CRC library) and reused.
// Reported, each measured in its own child process in this run, page cache warm:
//   - the time Node takes merely to read the same bytes (fs.createReadStream, same chunk size as ours);
//   - our reader (TensorBoardRunReader, both masked CRC32C checks, drained in 4 MiB batches), points/s
//     and peak RSS;
//   - a Python reference reader (Debian python3-protobuf + python3-crc32c, /usr/bin/python3, both
//     CRC checks per record too: bench/tensorboard.bench.py);
//   - for where the time goes: the framing and both CRC checks alone, without protobuf decoding;
// and the ratios, with the targets beside them: ≥ 10× faster than Python, ≤ 3× the byte-read time.
// Both readers also report the sum of all values, which must agree.
// Usage: npm run bench, or node bench/run.mjs tensorboard.
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  TensorBoardRunReader,
  findTensorBoardRuns,
  readTensorBoardLogdir,
} from '../src/core/metrics/tensorboard';
import { EventFileWriter, eventRecord, scalarEvent } from '../src/core/metrics/tensorboard/eventWriter';
import type { ReadWarning } from '../src/core/metrics/series';
import { DEFAULT_CHUNK_BYTES, newCursor, RecordScanner } from '../src/core/metrics/tensorboard/recordScanner';

const RUNS = 4;
const TAGS_PER_RUN = 25;
const STEPS = 100_000;
const POINTS = RUNS * TAGS_PER_RUN * STEPS;
const DATA = join(__dirname, '.data', 'tensorboard-10m');
const MARKER = join(DATA, 'complete.json');
const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];
const BATCH_BYTES = 4 << 20;

interface Measure {
  seconds: number;
  /** CPU seconds (user + system) of the measured part; robust when other work shares the machine. */
  cpu?: number;
  points?: number;
  bytes?: number;
  sum?: number;
  maxRssMb?: number;
  implementation?: string;
}

/** Value of tag t at step s: deterministic, float32-exact, different per tag and step. */
function valueOf(run: number, tag: number, step: number): number {
  return Math.fround(Math.sin(step * 0.001 + tag) * (1 + run) + step / STEPS);
}

async function generate(): Promise<void> {
  rmSync(DATA, { recursive: true, force: true });
  const started = performance.now();
  const t0 = 1_764_000_000;
  for (let run = 0; run < RUNS; run++) {
    const dir = join(DATA, `run_${run}`);
    mkdirSync(dir, { recursive: true });
    const style = run % 2 === 0 ? 'simple' : 'tensor';
    const tags = Array.from(
      { length: TAGS_PER_RUN },
      (_, t) => `${t % 2 ? 'val' : 'train'}/metric_${String(t).padStart(2, '0')}`,
    );
    // Run 0 is "resumed" halfway: a second event file, as a restarted writer makes.
    const files = run === 0 ? 2 : 1;
    const stepsPerFile = STEPS / files;
    for (let f = 0; f < files; f++) {
      const fileStart = t0 + run * 1000 + f * 500;
      const writer = await EventFileWriter.create(dir, {
        name: `events.out.tfevents.${fileStart}.bench.${1000 + run}.${f}`,
        wallTime: fileStart,
        bufferBytes: 4 << 20,
      });
      for (let step = f * stepsPerFile; step < (f + 1) * stepsPerFile; step++) {
        const wallTime = fileStart + step * 0.01;
        for (let t = 0; t < TAGS_PER_RUN; t++) {
          const first = step === f * stepsPerFile;
          await writer.writeRecord(
            eventRecord(scalarEvent(tags[t], step, valueOf(run, t, step), wallTime, style, first)),
          );
        }
      }
      await writer.close();
    }
  }
  writeFileSync(
    MARKER,
    JSON.stringify({
      runs: RUNS,
      tags: TAGS_PER_RUN,
      steps: STEPS,
      generatedIn: (performance.now() - started) / 1000,
    }),
  );
}

function eventFiles(): string[] {
  const files: string[] = [];
  for (const run of readdirSync(DATA)
    .filter((d) => d.startsWith('run_'))
    .sort()) {
    for (const name of readdirSync(join(DATA, run)).sort()) {
      files.push(join(DATA, run, name));
    }
  }
  return files;
}

// --- child modes: each measurement runs alone in a fresh process -------------------------------

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function childBytes(): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (const file of eventFiles()) {
    for await (const chunk of createReadStream(file, { highWaterMark: DEFAULT_CHUNK_BYTES })) {
      bytes += (chunk as Buffer).length;
    }
  }
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSince(cpu), bytes };
}

async function childOurs(): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let points = 0;
  let sum = 0;
  let bytes = 0;
  for (const dir of await findTensorBoardRuns(DATA)) {
    const reader = new TensorBoardRunReader(dir);
    for (;;) {
      const result = await reader.read({ maxBytes: BATCH_BYTES });
      if (result.warnings.length > 0) {
        throw new Error(`unexpected warnings: ${JSON.stringify(result.warnings.slice(0, 3))}`);
      }
      bytes += result.bytesRead;
      for (const series of result.newPoints.values()) {
        points += series.length;
        for (const p of series) {
          sum += p.value;
        }
      }
      if (!result.more) {
        break;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, cpu: cpuSince(cpu), points, sum, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** The one-shot API that keeps every point as a MetricPoint object (10M objects in memory). */
async function childOursAll(): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const runs = await readTensorBoardLogdir(DATA);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  let points = 0;
  for (const run of runs) {
    for (const series of run.metrics.values()) {
      points += series.length;
    }
  }
  return { seconds, cpu: cpuSeconds, points, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Only the TFRecord framing and both CRC checks of every record (RecordScanner, no protobuf decoding). */
async function childScan(): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const scanner = new RecordScanner();
  let records = 0;
  const sink = {
    record(): void {
      records++;
    },
  };
  for (const file of eventFiles()) {
    const warnings: ReadWarning[] = [];
    await scanner.scan(newCursor(file), sink, warnings);
    if (warnings.length > 0) {
      throw new Error(`unexpected warnings: ${JSON.stringify(warnings.slice(0, 3))}`);
    }
  }
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSince(cpu), points: records };
}

function runChild(mode: string): Measure {
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, '--max-old-space-size=6144', __filename, 'child', mode],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (result.status !== 0) {
    throw new Error(`child ${mode} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measure;
}

function findPython(): string | undefined {
  for (const python of PYTHON_CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import google.protobuf, crc32c'], { encoding: 'utf8' });
    if (probe.status === 0) {
      return python;
    }
  }
  return undefined;
}

function runPython(python: string): Measure {
  const result = spawnSync(python, [join(__dirname, 'tensorboard.bench.py'), ...eventFiles()], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    throw new Error(`python reference failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measure;
}

const fmt = (n: number, digits = 2): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const best = (mode: string, times: number): Measure =>
  Array.from({ length: times }, () => runChild(mode)).reduce((a, b) => (b.seconds < a.seconds ? b : a));

async function main(): Promise<void> {
  const mode = process.argv[2] === 'child' ? process.argv[3] : undefined;
  if (mode) {
    const measure =
      mode === 'bytes'
        ? await childBytes()
        : mode === 'ours'
          ? await childOurs()
          : mode === 'scan'
            ? await childScan()
            : await childOursAll();
    console.log(JSON.stringify(measure));
    return;
  }
  let generated = 'reused';
  if (!existsSync(MARKER)) {
    console.log(`Generating ${POINTS.toLocaleString('en-US')} scalar points into ${DATA} ...`);
    await generate();
    generated = `generated in ${fmt((JSON.parse(readFileSync(MARKER, 'utf8')) as { generatedIn: number }).generatedIn, 1)} s`;
  }
  const files = eventFiles();
  const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
  console.log(
    `TensorBoard reader: ${POINTS.toLocaleString('en-US')} scalar points (${RUNS} runs × ${TAGS_PER_RUN} tags × ${STEPS.toLocaleString('en-US')} steps), ${files.length} files, ${fmt(totalBytes / 1e6, 1)} MB (${generated})`,
  );
  runChild('bytes'); // warm the page cache
  const bytes = best('bytes', 3);
  const ours = best('ours', 3);
  if (ours.points !== POINTS) {
    throw new Error(`our reader returned ${ours.points} points, expected ${POINTS}`);
  }
  const all = runChild('all');
  const scan = best('scan', 3);
  const python = findPython();
  const py = python ? runPython(python) : undefined;

  const loadBefore = loadavg()[0];
  const rate = (m: Measure): string => `${fmt(POINTS / m.seconds / 1e6)} M points/s`;
  const rows: [string, Measure, string][] = [
    [
      `Node fs stream, same bytes (${DEFAULT_CHUNK_BYTES >> 10} KiB chunks)`,
      bytes,
      `${fmt(totalBytes / 1e9 / bytes.seconds)} GB/s`,
    ],
    ['Experiment Lens reader (4 MiB batches)', ours, `${rate(ours)}   peak RSS ${fmt(ours.maxRssMb!, 0)} MB`],
    [
      '  of which framing + both CRC checks (no decoding)',
      scan,
      `${fmt(scan.seconds / bytes.seconds, 1)}× wall, ${fmt(scan.cpu! / bytes.cpu!, 1)}× CPU of the byte read`,
    ],
    [
      '  same, every point kept (readTensorBoardLogdir)',
      all,
      `${rate(all)}   peak RSS ${fmt(all.maxRssMb!, 0)} MB`,
    ],
  ];
  if (py) {
    rows.push([`Python reference (${py.implementation})`, py, rate(py)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`  ${''.padEnd(width)}  ${'wall s'.padStart(8)}  ${'CPU s'.padStart(8)}`);
  for (const [k, m, note] of rows) {
    console.log(
      `  ${k.padEnd(width)}  ${fmt(m.seconds).padStart(8)}  ${fmt(m.cpu ?? NaN).padStart(8)}   ${note}`,
    );
  }
  console.log('  CRC checks: included in both readers (both masked CRC32C checks of every record).');
  const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const ratio = (label: string, wall: number, cpu: number, target: string, ok: boolean): void =>
    console.log(
      `  ${label.padEnd(22)} ${fmt(wall).padStart(7)}× wall  ${fmt(cpu).padStart(7)}× CPU   target ${target}   ${mark(ok)}`,
    );
  ratio(
    'ours / byte read',
    ours.seconds / bytes.seconds,
    ours.cpu! / bytes.cpu!,
    '≤ 3× ',
    ours.seconds / bytes.seconds <= 3,
  );
  if (py) {
    const vsPython = py.seconds / ours.seconds;
    ratio('Python / ours', vsPython, py.cpu! / ours.cpu!, '≥ 10×', vsPython >= 10);
    const agree =
      py.points === ours.points && Math.abs(py.sum! - ours.sum!) <= 1e-9 * Math.max(1, Math.abs(ours.sum!));
    console.log(
      `  same data: ${py.points?.toLocaleString('en-US')} points, value sums ${agree ? 'agree' : `DIFFER (${py.sum} vs ${ours.sum})`}`,
    );
  } else {
    console.log(
      '  Python reference skipped: python3-protobuf or python3-crc32c missing (apt-get install -y python3-protobuf python3-crc32c).',
    );
  }
  console.log(
    `  machine: ${cpus().length} cores, load average ${fmt(loadBefore, 1)} (other work inflates wall times; CPU times are steadier)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
