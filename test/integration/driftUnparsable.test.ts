// What a user sees from `xlens drift` (a real CLI child process) when cells do not fit their column:
// a date column read as numbers, a few stray cells named by file and line, an override no value fits,
// and data where no column can be tested (no "No dataset drift" then, and exit 2).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveEntrypoint } from '../../src/core/base/entrypoints';
import type { DriftTask } from '../../src/core/config/types';
import type { DriftReport } from '../../src/core/drift/types';

const root = join(__dirname, '../..');
const datasets = join(root, 'node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-unparsable-'));
after(() => rmSync(dir, { recursive: true, force: true }));
cpSync(join(root, 'examples/weather-drift/data/weather-2012.csv'), join(dir, 'w2012.csv'));
cpSync(join(root, 'examples/weather-drift/data/weather-2015.csv'), join(dir, 'w2015.csv'));

type Car = Record<string, string | number | null>;
const cars = JSON.parse(readFileSync(join(datasets, 'cars.json'), 'utf8')) as Car[];
const keys = Object.keys(cars[0]);

/** cars.json as CSV with some cells replaced (written as given): `edits[row][column]`. */
function carsCsv(name: string, edits: Record<number, Record<string, string>> = {}): string {
  const cell = (v: string | number | null): string =>
    v === null ? '' : typeof v === 'number' ? String(v) : `"${v}"`;
  const lines = cars.map((car, row) => keys.map((k) => edits[row]?.[k] ?? cell(car[k])).join(','));
  writeFileSync(join(dir, name), `${keys.join(',')}\n${lines.join('\n')}\n`);
  return name;
}

async function run(
  command: 'cli' | 'driftJob',
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = resolveEntrypoint(command);
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

const xlens = (...args: string[]) => run('cli', args);

function readReport(name: string): DriftReport {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as DriftReport;
}

describe('xlens drift: type overrides', () => {
  it('--type date=numerical tests an ISO date column as Unix milliseconds', async () => {
    const { code, stdout, stderr } = await xlens(
      'drift',
      'w2012.csv',
      'w2015.csv',
      '--columns',
      'date',
      '--type',
      'date=numerical',
      '--method',
      'date=wasserstein',
      '--json',
      'date.json',
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^date\s+numerical\s+wasserstein\s+\S+\s+d = \S+\s+d ≥ 0\.1\s+DRIFT$/m);
    assert.match(
      stdout,
      /^ {2}date: ISO 8601 dates in both files read as numbers \(Unix milliseconds, UTC\)\.$/m,
    );
    assert.doesNotMatch(stdout, /missing/);
    const date = readReport('date.json').columns[0];
    assert.equal(date.reference.kind === 'numeric' && date.reference.min, Date.UTC(2012, 0, 1));
    assert.equal(date.current.kind === 'numeric' && date.current.max, Date.UTC(2015, 11, 31));
    // Four years apart, one year wide: W1 = 3 years in ms, over the 2012 std of a uniform year.
    assert.ok(date.distance! > 10 && date.distance! < 11, String(date.distance));
  });

  it('the same override in a drift task (per_column) through the drift job', async () => {
    const runDir = join(dir, 'run-date');
    const task: Partial<DriftTask> = {
      kind: 'drift',
      name: 'dates',
      reference: 'w2012.csv',
      current: 'w2015.csv',
      columns: ['date', 'wind'],
      options: { per_column: { date: { type: 'numerical', method: 'wasserstein' } } },
    };
    writeFileSync(join(dir, 'task-date.json'), JSON.stringify(task));
    const { code, stdout, stderr } = await run('driftJob', ['task-date.json'], { XLENS_RUN_DIR: runDir });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^date\s+numerical\s+wasserstein\s.*DRIFT$/m);
    const report = JSON.parse(
      readFileSync(join(runDir, 'artifacts', 'drift-report.json'), 'utf8'),
    ) as DriftReport;
    assert.deepEqual(
      report.columns.map((c) => [c.name, c.type, c.method]),
      [
        ['date', 'numerical', 'wasserstein'],
        ['wind', 'numerical', 'ks'],
      ],
    );
  });

  it('an override no value fits is an error naming file, line, column, override and fix', async () => {
    const { code, stdout, stderr } = await xlens(
      'drift',
      'w2012.csv',
      'w2015.csv',
      '--type',
      'weather=numerical',
    );
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^w2012\.csv:2: column "weather" is set to type numerical \(--type weather=numerical\), but none of its 366 values is a number or an ISO 8601 date \(line 2: "drizzle", line 3: "rain", line 4: "rain", …\)\. Remove the override, or set the type to categorical \(--type weather=categorical\)\./m,
    );
  });
});

describe('xlens drift: cells that are not numbers', () => {
  it('tests a numeric column with one bad cell and names it (file, line, value)', async () => {
    const current = carsCsv('cars_badtarget.csv', { 40: { Miles_per_Gallon: '"18,5"' } });
    const reference = carsCsv('cars.csv');
    const { code, stdout, stderr } = await xlens(
      'drift',
      reference,
      current,
      '--columns',
      'Miles_per_Gallon,Horsepower',
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Miles_per_Gallon\s+numerical\s+ks\s/m);
    assert.match(
      stdout,
      /^ {2}Miles_per_Gallon: cars_badtarget\.csv: 1 value is not a number and counted as missing \(line 42: "18,5"\)\.$/m,
    );
    assert.equal(readFileSync(join(dir, current), 'utf8').split('\n')[41].split('"')[3], '18,5');
    assert.match(stdout, /^No dataset drift: 0 of 2 tested columns drifted/m);
  });

  it('lists several bad cells with their lines in the table notes and the JSON report', async () => {
    const current = carsCsv('cars_bad.csv', { 5: { Horsepower: 'n/a?' }, 17: { Horsepower: 'abc' } });
    const { code, stdout, stderr } = await xlens(
      'drift',
      carsCsv('cars.csv'),
      current,
      '--columns',
      'Horsepower',
      '--json',
      'hp.json',
    );
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /Horsepower: cars_bad\.csv: 2 values are not a number and counted as missing \(line 7: "n\/a\?", line 19: "abc"\)\./,
    );
    const hp = readReport('hp.json').columns[0];
    const missing = cars.filter((c) => c.Horsepower === null).length;
    assert.equal(hp.current.missing, missing + 2);
    assert.equal(hp.reference.missing, missing);
  });
});

describe('xlens drift: nothing could be tested', () => {
  it('says "not tested" with each reason, never "No dataset drift", and exits 2', async () => {
    const edits: Record<number, Record<string, string>> = {};
    for (let row = 0; row < cars.length; row += 5) {
      edits[row] = { Cylinders: 'other' };
    }
    const current = carsCsv('cars_cyl.csv', edits);
    const { code, stdout, stderr } = await xlens(
      'drift',
      carsCsv('cars.csv'),
      current,
      '--columns',
      'Cylinders',
      '--json',
      'none.json',
    );
    assert.equal(code, 2);
    assert.match(
      stdout,
      /^ {2}Cylinders \(numerical\): numerical in cars\.csv, but 82 values of 406 in cars_cyl\.csv are not numbers \("other"\); fix them, or set the type to numerical \(--type Cylinders=numerical\) to count them as missing and list their lines, or to categorical \(--type Cylinders=categorical\) to compare the values as categories$/m,
    );
    assert.match(
      stdout,
      /^NOT TESTED: No column could be tested, so there is no dataset verdict; the reason for each column is under "not tested"\.$/m,
    );
    assert.doesNotMatch(stdout, /No dataset drift/);
    assert.match(stderr, /no column could be tested/);
    // The report is still written, for the editor and CI.
    assert.equal(readReport('none.json').dataset.columns, 0);
  });

  it('following the hint (--type numerical) tests the column and names the lines', async () => {
    const { code, stdout, stderr } = await xlens(
      'drift',
      'cars.csv',
      'cars_cyl.csv',
      '--columns',
      'Cylinders',
      '--type',
      'Cylinders=numerical',
    );
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /Cylinders: cars_cyl\.csv: 82 values are not a number and counted as missing \(line 2: "other", line 7: "other", line 12: "other", …\)\./,
    );
  });

  it('the drift job exits 2 too, writes the report, and records no verdict metrics', async () => {
    const runDir = join(dir, 'run-none');
    const task: Partial<DriftTask> = {
      kind: 'drift',
      name: 'none',
      reference: 'cars.csv',
      current: 'cars_cyl.csv',
      columns: ['Cylinders'],
    };
    writeFileSync(join(dir, 'task-none.json'), JSON.stringify(task));
    const metrics = join(dir, 'none-metrics.jsonl');
    const { code, stdout, stderr } = await run('driftJob', ['task-none.json'], {
      XLENS_RUN_DIR: runDir,
      XLENS_METRICS_FILE: metrics,
    });
    assert.equal(code, 2);
    assert.match(stdout, /per_column: \{ Cylinders: \{ type: numerical \} \}/);
    assert.match(stdout, /^NOT TESTED/m);
    assert.match(stderr, /no column could be tested/);
    const report = JSON.parse(
      readFileSync(join(runDir, 'artifacts', 'drift-report.json'), 'utf8'),
    ) as DriftReport;
    assert.equal(report.skipped[0].name, 'Cylinders');
    const info = JSON.parse(readFileSync(join(runDir, 'info.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(info.datasetDrift, null);
    assert.throws(() => readFileSync(metrics), /ENOENT/);
  });
});
