/**
 * The `xlens drift` child the drift view starts to compare two files: file names that look like
 * options are still files, and aborting (a cancelled progress or the extension deactivating) stops it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { computeDriftReport } from '../../../src/core/drift/reportSource';

const data = join(__dirname, '../../../examples/weather-drift/data');
const dir = mkdtempSync(join(tmpdir(), 'xlens-drift-child-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the drift view’s xlens drift child', () => {
  it('compares files whose names start with a dash', async () => {
    copyFileSync(join(data, 'weather-2012.csv'), join(dir, '-x.csv'));
    copyFileSync(join(data, 'weather-2015.csv'), join(dir, '--json.csv'));
    const report = await computeDriftReport({ reference: '-x.csv', current: '--json.csv', cwd: dir });
    assert.equal(report.inputs.reference.file, '-x.csv');
    assert.equal(report.inputs.current.file, '--json.csv');
    assert.equal(report.dataset.driftDetected, true);
  });

  it('stops a comparison under way when its signal aborts', async () => {
    const shutdown = new AbortController();
    const comparing = computeDriftReport({
      reference: '-x.csv',
      current: '--json.csv',
      cwd: dir,
      signal: shutdown.signal,
    });
    setImmediate(() => shutdown.abort());
    await assert.rejects(comparing, { name: 'CancelledError' });
  });
});
