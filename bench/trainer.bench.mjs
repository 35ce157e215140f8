// Benchmark of the built-in TensorFlow.js trainer (dist/trainer.js, run as the runner runs it) against
// scikit-learn's MLPClassifier (Debian python3-sklearn under /usr/bin/python3) on the same data and
// architecture, plus the wasm backend against the plain-JS cpu backend. Reported: seconds per epoch
// (the trainer's own per-epoch timing from info.json, which includes its validation pass; sklearn's
// fit time / iterations, without one), validation accuracy, and ratios measured in this run.
// Data: a reproducible 50,000 × 20 synthetic 3-class set (seeded) and the penguins example.
// Usage: npm run bench (builds first), or node bench/run.mjs trainer after `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const trainer = join(root, 'dist', 'trainer.js');
const python = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'xlens-bench-trainer-'));

if (!existsSync(trainer)) {
  console.error(`${trainer} is missing; run "npm run build" first (npm run bench does).`);
  process.exit(1);
}

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rows × features standard-normal inputs; label = arg-max of a fixed random projection plus noise. */
function makeSynthetic(file, rows, features, classes, seed) {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const weights = Array.from({ length: features * classes }, normal);
  const lines = [[...Array.from({ length: features }, (_, j) => `x${j}`), 'label'].join(',')];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: features }, normal);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = normal() * 0.5;
      for (let j = 0; j < features; j++) score += x[j] * weights[j * classes + c];
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    lines.push([...x.map((v) => v.toFixed(5)), `c${best}`].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function runTrainer(name, csv, target, spec, backend) {
  const runDir = join(work, `${name}-${backend}`);
  mkdirSync(runDir, { recursive: true });
  const task = {
    name,
    kind: 'tfjs-train',
    params: {},
    paramFiles: [],
    data: [csv],
    metrics: [],
    outputs: [],
    env: {},
    dataFile: csv,
    target,
    model: { layers: spec.hidden.map((units) => ({ dense: units, activation: 'relu' })) },
    epochs: spec.epochs,
    batchSize: spec.batch,
    optimizer: { adam: { learning_rate: spec.rate } },
    validationSplit: 0.2,
    seed: 42,
  };
  writeFileSync(join(runDir, 'task.json'), JSON.stringify(task));
  const started = performance.now();
  const result = spawnSync(process.execPath, [trainer, join(runDir, 'task.json')], {
    cwd: work,
    env: {
      ...process.env,
      XLENS_RUN_DIR: runDir,
      XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl'),
      XLENS_TFJS_BACKEND: backend,
    },
    encoding: 'utf8',
  });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    return { skipped: `${backend}: trainer exited ${result.status}: ${result.stderr.trim().split('\n')[0]}` };
  }
  const info = JSON.parse(readFileSync(join(runDir, 'info.json'), 'utf8'));
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);
  const lastEpoch = metrics.filter((m) => 'val_accuracy' in m.values).at(-1);
  return {
    engine: `tfjs ${info.backend}`,
    secondsPerEpoch: info.meanEpochSeconds,
    valAccuracy: lastEpoch.values.val_accuracy,
    note: `${info.epochsRun} epochs, ${wall.toFixed(1)} s wall incl. start-up and CSV`,
  };
}

function sklearnAvailable() {
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : 'scikit-learn is not installed (apt-get install -y python3-sklearn)';
}

function runSklearn(csv, target, spec) {
  const args = [
    join(here, 'trainer.sklearn.py'),
    csv,
    target,
    spec.hidden.join(','),
    spec.epochs,
    spec.batch,
    spec.rate,
    0.2,
  ];
  const result = spawnSync(python, args.map(String), { cwd: work, encoding: 'utf8' });
  if (result.status !== 0) {
    return { skipped: `sklearn failed: ${result.stderr.trim().split('\n').at(-1)}` };
  }
  const out = JSON.parse(result.stdout.trim().split('\n').at(-1));
  return {
    engine: `sklearn ${out.sklearn} MLP`,
    secondsPerEpoch: out.seconds_per_epoch,
    valAccuracy: out.val_accuracy,
    note: `${out.epochs} epochs`,
  };
}

const fmt = (v, digits = 3) => (v === undefined || v === null ? '-' : Number(v).toPrecision(digits));
const pad = (s, n) => String(s).padEnd(n);

const synthetic = join(work, 'synthetic-50k-20.csv');
makeSynthetic(synthetic, 50_000, 20, 3, 1);
const penguins = join(root, 'examples', 'penguins', 'data', 'penguins.csv');
const cases = [
  {
    name: 'synthetic 50k×20',
    csv: synthetic,
    target: 'label',
    spec: { hidden: [64, 32], epochs: 5, batch: 200, rate: 0.001 },
  },
  {
    name: 'penguins',
    csv: penguins,
    target: 'species',
    spec: { hidden: [16, 8], epochs: 40, batch: 16, rate: 0.01 },
  },
];
const backends = ['wasm', 'cpu'];
try {
  createRequire(join(root, 'package.json')).resolve('@tensorflow/tfjs-node');
  backends.unshift('tensorflow');
} catch {
  console.log('@tensorflow/tfjs-node is not installed: measuring the wasm and cpu backends.');
}
const missingSklearn = sklearnAvailable();
if (missingSklearn) {
  console.log(`sklearn baseline skipped: ${missingSklearn}.`);
}

for (const c of cases) {
  console.log(
    `\n${c.name}: hidden ${c.spec.hidden.join('-')} relu, adam lr ${c.spec.rate}, batch ${c.spec.batch}, ${c.spec.epochs} epochs, 20 % validation`,
  );
  const results = backends.map((b) => runTrainer(c.name.replace(/\W+/g, '-'), c.csv, c.target, c.spec, b));
  const baseline = missingSklearn ? undefined : runSklearn(c.csv, c.target, c.spec);
  const rows = [...results, ...(baseline ? [baseline] : [])];
  console.log(`  ${pad('engine', 22)}${pad('s/epoch', 10)}${pad('val acc', 9)}${pad('× sklearn', 11)}note`);
  for (const r of rows) {
    if (r.skipped) {
      console.log(`  skipped: ${r.skipped}`);
      continue;
    }
    const ratio =
      baseline && !baseline.skipped ? `${fmt(r.secondsPerEpoch / baseline.secondsPerEpoch)}×` : '-';
    console.log(
      `  ${pad(r.engine, 22)}${pad(fmt(r.secondsPerEpoch), 10)}${pad(fmt(r.valAccuracy), 9)}${pad(ratio, 11)}${r.note}`,
    );
  }
  const wasm = results.find((r) => r.engine === 'tfjs wasm');
  const cpu = results.find((r) => r.engine === 'tfjs cpu');
  if (wasm && cpu) {
    console.log(
      `  wasm vs cpu: the cpu backend takes ${fmt(cpu.secondsPerEpoch / wasm.secondsPerEpoch)}× the wasm epoch time`,
    );
  }
  if (baseline && !baseline.skipped && wasm) {
    console.log(
      `  trainer (wasm) vs sklearn: ${fmt(wasm.secondsPerEpoch / baseline.secondsPerEpoch)}× sklearn's epoch time`,
    );
  }
}
console.log(`\nRun folders: ${work}`);
