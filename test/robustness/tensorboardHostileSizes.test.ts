/**
 * A TensorBoard event file with a long run of zeros (preallocated, or zero-filled by a crash) is
 * crossed without a checksum per byte: the reader resynchronises at the next real record, says how
 * many bytes it skipped, and keeps every point after it (issue "Nothing lost, nothing escapes", item 15).
 * The zeros are a hole in a sparse file, so the test costs no disk. The old byte-by-byte resync took
 * minutes for 512 MiB; the test's own limit (60 s) catches a return to it.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  ftruncateSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32cJs } from '../../src/core/metrics/tensorboard/crc32c';
import { maskCrc } from '../../src/core/metrics/tensorboard/checksum';
import { createSourceReader } from '../../src/core/metrics/readerFactory';
import { tempDir } from '../helpers/gitRepo';

const EVENTS = join(
  __dirname,
  '../fixtures/tensorboard/Jhko725__Contact-Point-Detection/hall_of_fame/20200218/lightning_logs/tf/events.out.tfevents.1581707986.Joon-Development.6496.1',
);
const HOLE = 512 * 1024 * 1024;

async function pointsOf(dir: string): Promise<{ points: number; warnings: string[] }> {
  const result = await createSourceReader({ format: 'tensorboard', path: dir }).read();
  let points = 0;
  for (const run of result.runs) {
    for (const series of run.metrics.values()) {
      points += series.length;
    }
  }
  return { points, warnings: result.warnings.map((w) => w.message) };
}

describe('TensorBoard files with hostile sizes', () => {
  it('never takes a header of zeros for a record', () => {
    assert.notEqual(maskCrc(crc32cJs(new Uint8Array(8))), 0);
  });

  it(
    'crosses 512 MiB of zeros between records and keeps the points after it',
    { timeout: 60_000 },
    async () => {
      const real = readFileSync(EVENTS);
      const clean = join(tempDir('xlens-tb-zeros-'), 'clean');
      mkdirSync(clean);
      copyFileSync(EVENTS, join(clean, basename(EVENTS)));
      const once = await pointsOf(clean);
      assert.ok(once.points > 0);

      const dir = join(tempDir('xlens-tb-zeros-'), 'run');
      mkdirSync(dir);
      const file = join(dir, basename(EVENTS));
      const fd = openSync(file, 'w');
      try {
        writeSync(fd, real, 0, real.length, 0);
        ftruncateSync(fd, real.length + HOLE); // a hole: zeros that take no disk
        writeSync(fd, real, 0, real.length, real.length + HOLE);
      } finally {
        closeSync(fd);
      }
      assert.equal(statSync(file).size, 2 * real.length + HOLE);
      const twice = await pointsOf(dir);
      assert.equal(twice.points, 2 * once.points, 'the records after the zeros are read');
      assert.ok(
        twice.warnings.some((w) => w.includes(`after skipping ${HOLE} bytes`)),
        `a warning names the skipped bytes: ${twice.warnings.join(' | ')}`,
      );
    },
  );
});
