// Benchmark of the drift engine on flights-3m.parquet (vega-datasets, 3 million rows): the first half
// of the rows as reference against the second half as current, every numeric column, default rules
// (> 1000 rows: normed Wasserstein), plus PSI on Sturges bins and the per-column summaries, as the
// drift report computes them.
// Baseline, in the same run: pandas + SciPy doing the same tests on the same rows
// (bench/drift.bench.py, Debian python3-pandas/python3-scipy under /usr/bin/python3). Debian's pandas
// has no Parquet engine, so it reads a CSV export of the same columns (written once to bench/.data/).
// Each side runs in its own child process; we report its time to read the file and run the tests
// (interpreter start-up excluded on both sides), CPU seconds, and the process's peak RSS. The best of
// a few runs is kept. Target: our wall time ≤ 0.5 × pandas + SciPy, with the same verdicts.
// Usage: npm run bench, or node bench/run.mjs drift.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parquetMetadataAsync, parquetSchema, asyncBufferFromFile } from 'hyparquet';
import { loadTable } from '../src/core/data/load';

const ROOT = join(__dirname, '..');
const PARQUET = join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');
const DATA = join(__dirname, '.data');
const PYTHON = '/usr/bin/python3';
const TARGET = 0.5;
const OUR_RUNS = 3;
const PYTHON_RUNS = 2;

interface Verdict {
  method: string;
  statistic: number | null;
  drifted: boolean;
  psi: number | null;
}

interface Measure {
  seconds: number;
  loadSeconds: number;
  computeSeconds: number;
  cpuSeconds?: number;
  maxRssMB: number;
  rows: number;
  verdicts: Record<string, Verdict>;
}

async function numericColumns(): Promise<string[]> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(PARQUET));
  return parquetSchema(metadata)
    .children.filter((c) => {
      const e = c.element;
      const numeric = e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE';
      const timestamp = e.logical_type?.type === 'TIMESTAMP' || e.logical_type?.type === 'DATE';
      return c.children.length === 0 && numeric && !timestamp;
    })
    .map((c) => c.element.name);
}

async function exportCsv(columns: string[]): Promise<string> {
  const path = join(DATA, `flights-3m-${columns.join('-')}.csv`);
  if (existsSync(path)) {
    return path;
  }
  mkdirSync(DATA, { recursive: true });
  const table = await loadTable(PARQUET, { columns });
  const values = table.columns.map((c) => {
    if (c.storage !== 'numeric') {
      throw new Error(`${c.name} is not numeric`);
    }
    return c.values;
  });
  const lines = [columns.join(',')];
  for (let i = 0; i < table.rows; i++) {
    lines.push(values.map((v) => (Number.isNaN(v[i]) ? '' : String(v[i]))).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function run(command: string, args: string[]): Measure {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measure;
}

function best(measures: Measure[]): Measure {
  return measures.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function pythonAvailable(): string | undefined {
  const check = spawnSync(
    PYTHON,
    ['-c', 'import pandas, scipy; print(pandas.__version__, scipy.__version__)'],
    {
      encoding: 'utf8',
    },
  );
  return check.status === 0 ? check.stdout.trim() : undefined;
}

function row(name: string, m: Measure): string {
  const cpu = m.cpuSeconds === undefined ? '' : m.cpuSeconds.toFixed(2).padStart(8);
  return `${name.padEnd(26)}${m.seconds.toFixed(2).padStart(8)}${m.loadSeconds.toFixed(2).padStart(8)}${m.computeSeconds.toFixed(2).padStart(9)}${cpu}${m.maxRssMB.toFixed(0).padStart(10)}`;
}

async function main(): Promise<void> {
  const columns = await numericColumns();
  console.log(
    `flights-3m.parquet, numeric columns: ${columns.join(', ')}; first half of the rows vs second half`,
  );
  const tsx = require.resolve('tsx');
  const ours = best(
    Array.from({ length: OUR_RUNS }, () =>
      run(process.execPath, [
        '--import',
        tsx,
        join(__dirname, 'drift.bench.engine.ts'),
        PARQUET,
        columns.join(','),
      ]),
    ),
  );
  const header = `${'engine'.padEnd(26)}${'wall s'.padStart(8)}${'read s'.padStart(8)}${'tests s'.padStart(9)}${'cpu s'.padStart(8)}${'peak MB'.padStart(10)}`;
  const versions = pythonAvailable();
  if (!versions) {
    console.log(header);
    console.log(row('Experiment Lens (parquet)', ours));
    console.log(
      `pandas + SciPy baseline skipped: ${PYTHON} with pandas and scipy not found (apt-get install python3-pandas python3-scipy).`,
    );
    return;
  }
  const csv = await exportCsv(columns);
  const baseline = best(
    Array.from({ length: PYTHON_RUNS }, () =>
      run(PYTHON, [join(__dirname, 'drift.bench.py'), '--split', csv, '--columns', columns.join(',')]),
    ),
  );
  console.log(`baseline: pandas ${versions.replace(' ', ' + SciPy ')} (reading the CSV export)`);
  console.log(header);
  console.log(row('Experiment Lens (parquet)', ours));
  console.log(row('pandas + SciPy (CSV)', baseline));
  const ratio = ours.seconds / baseline.seconds;
  console.log(
    `ratio wall time ours / pandas+SciPy: ${ratio.toFixed(2)} (target ≤ ${TARGET}) ${ratio <= TARGET ? 'MET' : 'NOT MET'}; ` +
      `peak memory ratio ${(ours.maxRssMB / baseline.maxRssMB).toFixed(2)}` +
      (ours.cpuSeconds !== undefined && baseline.cpuSeconds !== undefined
        ? `; CPU time ratio ${(ours.cpuSeconds / baseline.cpuSeconds).toFixed(2)}`
        : ''),
  );
  const load = loadavg()[0];
  if (load > cpus().length) {
    console.log(
      `note: load average ${load.toFixed(1)} on ${cpus().length} CPUs while measuring; wall times include waiting for a CPU.`,
    );
  }
  let same = true;
  for (const column of columns) {
    const a = ours.verdicts[column];
    const b = baseline.verdicts[column];
    const relative =
      a.statistic !== null && b.statistic !== null
        ? Math.abs(a.statistic - b.statistic) / Math.abs(b.statistic)
        : NaN;
    const agree = a.method === b.method && a.drifted === b.drifted;
    same &&= agree;
    console.log(
      `  ${column}: ${a.method} ${a.statistic} vs ${b.method} ${b.statistic} (relative difference ${relative.toExponential(1)}); ` +
        `verdict ${a.drifted ? 'drift' : 'no drift'} vs ${b.drifted ? 'drift' : 'no drift'}${agree ? '' : '  MISMATCH'}`,
    );
  }
  console.log(same ? 'same verdicts: yes' : 'same verdicts: NO');
  if (!same) {
    process.exitCode = 1;
  }
}

void main();
