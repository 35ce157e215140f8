/**
 * Property tests of the readers of other tools' files and of data files (issue "Nothing lost, nothing
 * escapes", fuzzing): for random bytes and for real files with bytes flipped, cut, repeated or
 * zeroed, each reader returns within a time bound and throws nothing but the project's user-input
 * error. Inputs come from the committed real fixtures; fast-check shrinks a failure to a small mutation.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CancelledError, UserInputError } from '../../src/core/base/errors';
import { loadTable } from '../../src/core/data/load';
import { createSourceReader } from '../../src/core/metrics/readerFactory';
import type { SourceSpec } from '../../src/core/metrics/readers';
import { tempDir } from '../helpers/gitRepo';

const fixtures = join(__dirname, '..', 'fixtures');
const KERAS = join(fixtures, 'keras_csv/4hmetcakmak__BraTS2020CapstoneProject/training.log');
const LIGHTNING = join(
  fixtures,
  'lightning_csv/Jordi6__pytorchLit15min/lightning_logs/version_0/metrics.csv',
);
const TFEVENTS = join(
  fixtures,
  'tensorboard/Jhko725__Contact-Point-Detection/hall_of_fame/20200218/lightning_logs/tf/events.out.tfevents.1581707986.Joon-Development.6496.1',
);
const WEATHER = join(__dirname, '..', '..', 'examples/weather-drift/data/weather-2012.csv');

/** Longest a reader may take on one small mutated file, ms (a hang or a quadratic path fails). */
const BOUND_MS = 5000;
const RUNS = Number(process.env.XLENS_FUZZ_RUNS ?? 200);

/** A change to a file's bytes: flips, cuts, repeats, zero runs and inserted junk. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'cut'; at: number }
  | { kind: 'zeros'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; from: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('zeros' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 2048 }),
  }),
);

function mutate(bytes: Buffer, changes: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of changes) {
    const at = out.length === 0 ? 0 : ('at' in m ? m.at : m.from) % out.length;
    switch (m.kind) {
      case 'flip':
        if (out.length > 0) {
          out[at] ^= 1 << m.bit;
        }
        break;
      case 'cut':
        out = out.subarray(0, at);
        break;
      case 'zeros':
        out = Buffer.concat([out.subarray(0, at), Buffer.alloc(m.length), out.subarray(at)]);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
        break;
      case 'repeat':
        out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
        break;
    }
  }
  return out;
}

/** Mutated real bytes or plain random bytes. */
function inputs(real: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }).map((m) => mutate(real, m)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)) },
  );
}

async function withinBound<T>(what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

let counter = 0;
/** Writes `bytes` under a fresh folder with the real file's name (readers look at names). */
function place(bytes: Buffer, name: string, sub = ''): { dir: string; file: string } {
  const dir = join(tempDir('xlens-fuzz-'), String(counter++));
  mkdirSync(join(dir, sub), { recursive: true });
  const file = join(dir, sub, name);
  writeFileSync(file, bytes);
  return { dir, file };
}

/** A metric reader reads twice (first read and an incremental one) without throwing. */
async function readTwice(source: SourceSpec): Promise<void> {
  const reader = createSourceReader(source);
  for (let i = 0; i < 2; i++) {
    const result = await withinBound(`${source.format} read`, () => reader.read());
    for (const run of result.runs) {
      for (const [name, points] of run.metrics) {
        assert.equal(typeof name, 'string');
        for (const p of points) {
          assert.ok(Number.isFinite(p.step), `${name}: step ${p.step}`);
        }
      }
    }
  }
}

describe('fuzzed readers return in time and throw only user errors', () => {
  it('Keras CSVLogger logs', async () => {
    const real = readFileSync(KERAS);
    await fc.assert(
      fc.asyncProperty(inputs(real), async (bytes) => {
        const { file } = place(bytes, basename(KERAS));
        await readTwice({ format: 'keras-csv', path: file });
      }),
      { numRuns: RUNS },
    );
  });

  it('Lightning CSVLogger logs', async () => {
    const real = readFileSync(LIGHTNING);
    await fc.assert(
      fc.asyncProperty(inputs(real), async (bytes) => {
        const { file } = place(bytes, 'metrics.csv', 'version_0');
        await readTwice({ format: 'lightning-csv', path: file });
      }),
      { numRuns: RUNS },
    );
  });

  it('TensorBoard event files (the record scanner and decoder)', async () => {
    const real = readFileSync(TFEVENTS);
    await fc.assert(
      fc.asyncProperty(inputs(real), async (bytes) => {
        const { dir } = place(bytes, basename(TFEVENTS), 'run');
        await readTwice({ format: 'tensorboard', path: join(dir, 'run') });
      }),
      { numRuns: RUNS },
    );
  });

  it('drift tables: CSV and JSON Lines', async () => {
    const csv = readFileSync(WEATHER).subarray(0, 8192);
    const jsonl = Buffer.from(
      csv
        .toString('utf8')
        .split('\n')
        .slice(1, 60)
        .map((line) => JSON.stringify(Object.fromEntries(line.split(',').map((v, i) => [`c${i}`, v]))))
        .join('\n'),
    );
    for (const [name, real] of [
      ['weather.csv', csv],
      ['weather.jsonl', jsonl],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(inputs(real), async (bytes) => {
          const { file } = place(bytes, name);
          try {
            await withinBound(`loadTable ${name}`, () => loadTable(file));
          } catch (error) {
            assert.ok(
              error instanceof UserInputError || error instanceof CancelledError,
              `${name}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
            );
          }
        }),
        { numRuns: RUNS },
      );
    }
  });
});
