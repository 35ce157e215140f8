/**
 * Drift of very wide files stays within a small memory: each column costs little more than its
 * values while loading, the loaded tables are let go as their columns are tested, and the report keeps
 * one compact entry per column (issue "Nothing lost, nothing escapes", item 15: two 100,000-column
 * files of a few dozen rows used 4.5 GB). The CLI runs under a V8 heap limit that the earlier loader and
 * report exceeded (their live heap peaked above 130 MB on these files, this one's near 65 MB), so a
 * regression shows as a crash, not as a number to compare.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/gitRepo';
import { cliEnv, cliSource, tsxLoader, type Result } from '../helpers/xlensProcess';

const COLUMNS = 25_000;
const ROWS = 12;
/** Old-space limit of the CLI process, MB. */
const HEAP_MB = 112;

/** A CSV of `COLUMNS` numeric columns; `shift` moves every value of column i by shift × i / COLUMNS. */
function wideCsv(shift: number): string {
  const header = Array.from({ length: COLUMNS }, (_, i) => `c${i}`).join(',');
  const rows = Array.from({ length: ROWS }, (_, r) =>
    Array.from({ length: COLUMNS }, (_, i) => ((r * 7 + i) % 13) + (shift * i) / COLUMNS).join(','),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

/** `xlens <args>` in `cwd` with V8's old space limited to `HEAP_MB`. */
function xlensWithHeapLimit(cwd: string, args: string[]): Promise<Result> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', tsxLoader, cliSource, ...args],
    { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: Result = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  return new Promise((resolve, fail) => {
    child.on('error', fail);
    child.on('close', (code) => resolve({ ...output, code }));
  });
}

describe('drift memory on wide files', () => {
  it(`compares two ${COLUMNS.toLocaleString('en')}-column files within a ${HEAP_MB} MB heap`, async () => {
    const dir = tempDir('xlens-drift-memory-');
    writeFileSync(join(dir, 'reference.csv'), wideCsv(0));
    writeFileSync(join(dir, 'current.csv'), wideCsv(20));
    const result = await xlensWithHeapLimit(dir, ['drift', 'reference.csv', 'current.csv']);
    assert.equal(result.code, 0, result.stderr.slice(-2000));
    // Every column is tested and reported, the first and the last.
    assert.match(result.stdout, /^c0 /m);
    assert.match(result.stdout, new RegExp(`^c${COLUMNS - 1} `, 'm'));
    assert.match(result.stdout, new RegExp(`of ${COLUMNS} tested columns`));
  });

  it('writes the JSON report of those files within the same heap (streamed, never one string)', async () => {
    const dir = tempDir('xlens-drift-memory-');
    writeFileSync(join(dir, 'reference.csv'), wideCsv(0));
    writeFileSync(join(dir, 'current.csv'), wideCsv(20));
    const result = await xlensWithHeapLimit(dir, ['drift', 'reference.csv', 'current.csv', '--json', '-']);
    assert.equal(result.code, 0, result.stderr.slice(-2000));
    const report = JSON.parse(result.stdout) as { columns: { name: string }[] };
    assert.equal(report.columns.length, COLUMNS);
    assert.equal(report.columns.at(-1)?.name, `c${COLUMNS - 1}`);
  });
});
