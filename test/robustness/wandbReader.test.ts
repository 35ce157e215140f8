/**
 * The W&B reader on damaged `.wandb` files: a bad checksum, a chunk length running past its block,
 * a file cut inside a block, an empty file, a file that is not W&B's, and random mutations of the real
 * fixture (fast-check). The reader returns warnings naming the file and byte offset, never throws
 * anything but the project's user-input error, keeps the records the damage did not touch, and returns
 * within a time bound.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../src/core/base/errors';
import { readAll, SeriesAccumulator } from '../../src/core/metrics/readers';
import type { ReadWarning, SeriesRun } from '../../src/core/metrics/series';
import { BLOCK_SIZE, CHUNK_HEADER, FILE_HEADER } from '../../src/core/metrics/wandb/recordLog';
import { WandbRunReader } from '../../src/core/metrics/wandb/wandbReader';
import { tempDir } from '../helpers/gitRepo';

const FIXTURE = join(__dirname, '..', 'fixtures', 'wandb', 'basic');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  folder: string;
  records: { file: string; history: unknown[] }[];
};
const ORIGINAL = readFileSync(join(FIXTURE, 'wandb', EXPECTED.folder, EXPECTED.records[0].file));
const ROWS = EXPECTED.records[0].history.length;
/** Longest one read of a small damaged file may take, ms (a hang or a quadratic path fails). */
const BOUND_MS = 5000;
const RUNS = Number(process.env.XLENS_FUZZ_RUNS ?? 150);

function runWith(bytes: Uint8Array): { dir: string; file: string } {
  const dir = join(tempDir('xlens-wandb-bad-'), 'offline-run-20261206_000000-abc123');
  mkdirSync(dir);
  const file = join(dir, 'run-abc123.wandb');
  writeFileSync(file, bytes);
  return { dir, file };
}

async function read(bytes: Uint8Array): Promise<{ runs: SeriesRun[]; warnings: ReadWarning[] }> {
  return readAll(new WandbRunReader(runWith(bytes).dir));
}

function lossPoints(runs: SeriesRun[]): number {
  return runs[0]?.metrics.get('loss')?.length ?? 0;
}

describe('W&B reader on damaged files', () => {
  it('a flipped payload byte: one checksum warning at its offset, the other blocks still read', async () => {
    const bytes = Buffer.from(ORIGINAL);
    const at = FILE_HEADER + 2000;
    bytes[at] ^= 0x40;
    const { runs, warnings } = await read(bytes);
    assert.ok(warnings.length >= 1);
    assert.match(warnings[0].message, /checksum mismatch/);
    assert.ok(warnings[0].offset! <= at && warnings[0].offset! > at - BLOCK_SIZE);
    assert.ok(warnings.every((w) => w.file.endsWith('run-abc123.wandb')));
    const points = lossPoints(runs);
    assert.ok(points > 0 && points < ROWS, `${points} of ${ROWS} rows kept`);
  });

  it('a chunk length running past its block is a warning, not a wait or a crash', async () => {
    const bytes = Buffer.from(ORIGINAL);
    bytes.writeUInt16LE(0xffff, FILE_HEADER + 4); // the first chunk's length
    const { warnings } = await read(bytes);
    assert.match(warnings[0].message, /runs past its 32 KiB block/);
    assert.equal(warnings[0].offset, FILE_HEADER);
  });

  it('a file cut inside a block reads what is complete, silently, and the rest once it arrives', async () => {
    const cut = BLOCK_SIZE + 1234;
    const { dir, file } = runWith(ORIGINAL.subarray(0, cut));
    const reader = new WandbRunReader(dir);
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    assert.deepEqual(acc.warnings, []);
    const before = lossPoints(acc.snapshot());
    assert.ok(before > 0 && before < ROWS);
    writeFileSync(file, ORIGINAL);
    acc.apply(await reader.read());
    assert.deepEqual(acc.warnings, []);
    assert.equal(lossPoints(acc.snapshot()), ROWS);
  });

  it('an empty file and a lone header: a run without points and no warning', async () => {
    for (const bytes of [
      new Uint8Array(0),
      ORIGINAL.subarray(0, 3),
      ORIGINAL.subarray(0, FILE_HEADER + CHUNK_HEADER - 1),
    ]) {
      const { runs, warnings } = await read(bytes);
      assert.deepEqual(warnings, []);
      assert.equal(runs[0].metrics.size, 0);
    }
  });

  it('a file that is not W&B: one warning at offset 0, then nothing is read', async () => {
    const { dir, file } = runWith(Buffer.from('step,loss\n0,1.5\n'));
    const reader = new WandbRunReader(dir);
    const first = await reader.read();
    assert.equal(first.warnings.length, 1);
    assert.match(first.warnings[0].message, /not a W&B run file/);
    assert.equal(first.warnings[0].offset, 0);
    writeFileSync(file, 'step,loss\n0,1.5\n1,1.2\n');
    const second = await reader.read();
    assert.deepEqual(second.warnings, []);
  });
});

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'cut'; at: number }
  | { kind: 'zeros'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('zeros' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40000 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 4096 }),
  }),
);

function mutate(bytes: Buffer, changes: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of changes) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip' && out.length > 0) {
      out[at] ^= 1 << m.bit;
    } else if (m.kind === 'cut') {
      out = out.subarray(0, at);
    } else if (m.kind === 'zeros') {
      out = Buffer.concat([out.subarray(0, at), Buffer.alloc(m.length), out.subarray(at)]);
    } else if (m.kind === 'insert') {
      out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
    } else if (m.kind === 'repeat') {
      out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
    }
  }
  return out;
}

describe('W&B reader under random damage (fast-check)', () => {
  it('mutated real files: no throw but UserInputError, points only from intact records, bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 9000 }),
        async (changes, split) => {
          const bytes = mutate(ORIGINAL, changes);
          const { dir, file } = runWith(bytes.subarray(0, Math.min(split, bytes.length)));
          const reader = new WandbRunReader(dir);
          const acc = new SeriesAccumulator();
          const started = Date.now();
          try {
            acc.apply(await reader.read()); // a first part, then the rest: the tail path too
            writeFileSync(file, bytes);
            acc.apply(await reader.read());
          } catch (error) {
            if (!(error instanceof UserInputError)) {
              throw error;
            }
          }
          assert.ok(Date.now() - started < BOUND_MS, `took ${Date.now() - started} ms`);
          for (const w of acc.warnings) {
            assert.equal(typeof w.offset, 'number');
          }
          const runs = acc.snapshot();
          for (const run of runs) {
            for (const [name, points] of run.metrics) {
              assert.ok(name.length > 0);
              for (const p of points) {
                assert.equal(typeof p.value, 'number');
                assert.ok(Number.isFinite(p.step), `${name}: step ${p.step}`);
              }
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
