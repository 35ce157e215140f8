// `xlens drift` end to end through the CLI's main(): the table, --json, --html, flags, exit codes.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { DriftReport } from '../../../src/core/drift/types';
import type { RunRecord } from '../../../src/core/runs/types';
import { readRunDriftReport } from '../../../src/core/drift/reportSource';

const root = join(__dirname, '../../..');
const example = join(root, 'examples/weather-drift');
const out = mkdtempSync(join(tmpdir(), 'xlens-drift-cli-'));
after(() => rmSync(out, { recursive: true, force: true }));

async function xlens(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return xlensIn(example, ...argv);
}

async function xlensIn(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  const code = await main(argv, {
    cwd,
    stdout,
    stderr,
    env: process.env,
    signal: new AbortController().signal,
  });
  return { code, stdout: o, stderr: e };
}

describe('xlens drift', () => {
  it('prints the per-column table and the dataset verdict; writes JSON and HTML', async () => {
    const json = join(out, 'report.json');
    const html = join(out, 'report.html');
    const bundle = existsSync(join(root, 'dist', 'webviews', 'report.js'));
    const args = ['drift', 'data/weather-2012.csv', 'data/weather-2015.csv', '--json', json];
    const { code, stdout, stderr } = await xlens(...args, ...(bundle ? ['--html', html] : []));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^reference: data\/weather-2012\.csv {2}366 rows$/m);
    assert.match(stdout, /COLUMN\s+TYPE\s+METHOD\s+STATISTIC\s+P-VALUE\/DIST\s+DRIFT IF\s+VERDICT/);
    assert.match(stdout, /temp_max\s+numerical\s+ks\s+0\.1525\s+p = 0\.0003157\s+p < 0\.05\s+DRIFT/);
    assert.match(stdout, /DATASET DRIFT DETECTED: 3 of 5 tested columns drifted/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as DriftReport;
    assert.equal(report.columns.length, 5);
    if (bundle) {
      assert.match(readFileSync(html, 'utf8'), /Data drift report/);
    }
  });

  it('takes method, threshold and column flags', async () => {
    const { code, stdout } = await xlens(
      'drift',
      'data/weather-2012.csv',
      'data/weather-2015.csv',
      '--columns',
      'wind,temp_max',
      '--method',
      'psi',
      '--threshold',
      'temp_max=0.3',
      '--drift-share',
      '0.4',
    );
    assert.equal(code, 0);
    assert.match(stdout, /wind\s+numerical\s+psi\s+0\.1017\s+d = 0\.1017\s+d ≥ 0\.1\s+DRIFT/);
    assert.match(stdout, /temp_max\s+numerical\s+psi\s+0\.2255\s+d = 0\.2255\s+d ≥ 0\.3\s+ok/);
    assert.match(
      stdout,
      /DATASET DRIFT DETECTED: 1 of 2 tested columns drifted \(50%\); dataset drift is declared at 40% or more\./,
    );
  });

  it('prints the JSON report with --json -', async () => {
    const { code, stdout } = await xlens(
      'drift',
      'data/weather-2012.csv',
      'data/weather-2015.csv',
      '--json',
      '-',
    );
    assert.equal(code, 0);
    assert.equal((JSON.parse(stdout) as DriftReport).dataset.drifted, 3);
  });

  it('exits 2 for bad input with a message naming the problem', async () => {
    const missing = await xlens('drift', 'data/weather-2012.csv', 'data/nope.csv');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /data\/nope\.csv: file not found/);
    const column = await xlens(
      'drift',
      'data/weather-2012.csv',
      'data/weather-2015.csv',
      '--columns',
      'humidity',
    );
    assert.equal(column.code, 2);
    assert.match(column.stderr, /data\/weather-2012\.csv: no column "humidity"/);
    const one = await xlens('drift', 'data/weather-2012.csv');
    assert.equal(one.code, 2);
    assert.match(one.stderr, /needs two files/);
    const method = await xlens(
      'drift',
      'data/weather-2012.csv',
      'data/weather-2015.csv',
      '--method',
      'weather=ks',
    );
    assert.equal(method.code, 2);
    assert.match(method.stderr, /Column "weather" is categorical, but method "ks" needs numbers/);
  });
});

describe('xlens drift on bad input: exit 2 and a message naming the file and row, nothing else', () => {
  const bad = (name: string, content: string | Buffer): string => {
    writeFileSync(join(out, name), content);
    return join(out, name);
  };
  const good = join(example, 'data/weather-2012.csv');
  const cases: [string, () => string[], RegExp][] = [
    [
      'ragged rows',
      () => [good, bad('ragged.csv', 'date,temp_max\n2015-01-01,3.1\n2015-01-02\n2015-01-03,4.0\n')],
      /ragged\.csv:3: row has 1 fields but the header has 2/,
    ],
    [
      'a file that is not UTF-8',
      () => [
        bad('latin1.csv', Buffer.from('weather,wind\nsun,1.2\nsoleil d\xe9j\xe0,2.0\n', 'latin1')),
        good,
      ],
      /latin1\.csv:3: the file is not valid UTF-8 \(byte 0xe9/,
    ],
    ['an empty file', () => [good, bad('empty.csv', '')], /empty\.csv: the file is empty/],
    [
      'a column missing from the current file',
      () => [good, bad('no-wind.csv', 'date,temp_max\n2015-01-01,3.1\n'), '--columns', 'temp_max,wind'],
      /no-wind\.csv: no column "wind"\. The file has: date, temp_max/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const { code, stdout, stderr } = await xlens('drift', ...args());
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
      assert.equal(stdout, '');
    });
  }
});

describe('xlens run on a drift task', () => {
  it('stores the report (JSON and HTML) as artefacts of a tracked run, with its verdict and metrics', async () => {
    const project = join(out, 'weather-project');
    cpSync(example, project, {
      recursive: true,
      filter: (src) => !/[\\/](\.xlens|data[\\/]flights)$/.test(src),
    });
    const { code, stdout, stderr } = await xlensIn(project, 'run', 'weather-drift');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /DATASET DRIFT DETECTED: 3 of 5 tested columns drifted/);
    const runs = join(project, '.xlens', 'runs');
    const [id] = readdirSync(runs);
    const record = JSON.parse(readFileSync(join(runs, id, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.status, 'succeeded');
    assert.equal(record.kind, 'drift');
    assert.deepEqual(record.artifacts.map((a) => a.path).sort(), [
      'artifacts/drift-report.html',
      'artifacts/drift-report.json',
    ]);
    assert.equal(record.metrics['drift/dataset_drift'].last, 1);
    assert.equal(record.metrics['drift/drifted_columns'].last, 3);
    // The stored report is what the editor's drift view opens.
    const report = await readRunDriftReport(join(runs, id));
    assert.equal(report.dataset.drifted, 3);
    // Aggregates only: no row of either file is in the HTML (every row starts with its date).
    const html = readFileSync(join(runs, id, 'artifacts/drift-report.html'), 'utf8');
    assert.match(html, /Dataset drift detected/);
    assert.doesNotMatch(html, /201[25]-\d\d-\d\d/);
  });
});
