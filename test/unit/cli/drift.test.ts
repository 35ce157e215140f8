// `xlens drift` end to end through the CLI's main(): the table, --json, --html, flags, exit codes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { DriftReport } from '../../../src/core/drift/types';

const root = join(__dirname, '../../..');
const example = join(root, 'examples/weather-drift');
const out = mkdtempSync(join(tmpdir(), 'xlens-drift-cli-'));
after(() => rmSync(out, { recursive: true, force: true }));

async function xlens(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  const code = await main(argv, {
    cwd: example,
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
    assert.match(stdout, /temp_max\s+numerical\s+ks\s+0\.1525\s+p=0\.0003157\s+< 0\.05\s+DRIFT/);
    assert.match(stdout, /DATASET DRIFT DETECTED: 3 of 5 columns drifted/);
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
    assert.match(stdout, /wind\s+numerical\s+psi\s+0\.1017\s+d=0\.1017\s+≥ 0\.1\s+DRIFT/);
    assert.match(stdout, /temp_max\s+numerical\s+psi\s+0\.2255\s+d=0\.2255\s+≥ 0\.3\s+ok/);
    assert.match(stdout, /DATASET DRIFT DETECTED: 1 of 2 columns drifted \(50\.0%, threshold 40%\)/);
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
