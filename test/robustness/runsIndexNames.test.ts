/**
 * Param and git names that are also names of `Object.prototype` (`__proto__`, `constructor`,
 * `toString`, `hasOwnProperty`, `__defineSetter__`, ...) round-trip through the runs index: a record
 * listed from the index equals the one parsed from its `run.json` (same own fields, same order, same
 * values, an ordinary object as `JSON.parse` gives), each such name is an own data property, and no
 * prototype changes, whatever the mix of names and values.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { listIndexedRuns } from '../../src/core/runs/runsIndex';
import { RunStore } from '../../src/core/runs/store';
import { tempDir } from '../helpers/gitRepo';

const RUNS = Number(process.env.XLENS_FUZZ_RUNS ?? 60);

/** Every own name of `Object.prototype` and `Function.prototype`, `__proto__` first among them. */
const PROTOTYPE_NAMES = [
  ...new Set([
    '__proto__',
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
    'prototype',
  ]),
];

const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 5 }));
const jsonValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 0.5, '', 'x'),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.constantFrom(PROTOTYPE_NAMES),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a'), fc.integer(), { maxKeys: 2 }),
);
/** Names and values as a run.json holds them (JSON text: an object literal would set a prototype). */
const objectText = fc
  .uniqueArray(fc.tuple(name, jsonValue), { selector: ([n]) => n, maxLength: 8 })
  .map((pairs) => `{${pairs.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`);

/** The own names of `Object.prototype` and `Function.prototype` and what each holds. */
function prototypes(): [string | symbol, unknown][] {
  return [Object.prototype, Function.prototype, Array.prototype].flatMap((p) =>
    Reflect.ownKeys(p).map((k): [string | symbol, unknown] => [
      k,
      Object.getOwnPropertyDescriptor(p, k)?.value,
    ]),
  );
}

describe('runs index with names of Object.prototype', () => {
  it('gives back params and git objects whose names are those of Object.prototype as own data fields', async () => {
    const before = prototypes();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(objectText, objectText), { minLength: 1, maxLength: 3 }),
        async (runs) => {
          const store = new RunStore(tempDir('xlens-index-names-'));
          for (const [params, git] of runs) {
            const run = await store.create({
              task: 'train',
              kind: 'command',
              status: 'succeeded',
              command: 'python train.py',
              cwd: store.root,
              git: { commit: null, branch: null, dirty: false, snapshot: null },
              params: {},
              data: [],
              metrics: {},
              artifacts: [],
            });
            // Replaced through functions: a name such as `$&` in a replacement string is a pattern.
            const text = JSON.stringify(run)
              .replace('"params":{}', () => `"params":${params}`)
              .replace(/"git":\{[^}]*\}/, () => `"git":${git}`);
            writeFileSync(store.file(run.id, 'record'), text);
          }
          const parsed = (await store.list()).runs;
          const first = await listIndexedRuns(store);
          const second = await listIndexedRuns(store);
          assert.equal(second.stats.reused, runs.length, 'the second listing is read from the index');
          for (const listed of [first.runs, second.runs]) {
            assert.deepEqual(listed, parsed);
            assert.equal(JSON.stringify(listed), JSON.stringify(parsed), 'same fields, same order');
            for (const [i, record] of listed.entries()) {
              for (const field of ['params', 'git'] as const) {
                const object = record[field] as unknown as Record<string, unknown>;
                const want = parsed[i][field] as unknown as Record<string, unknown>;
                assert.equal(Object.getPrototypeOf(object), Object.prototype);
                assert.deepEqual(Reflect.ownKeys(object), Reflect.ownKeys(want));
                for (const key of Reflect.ownKeys(want)) {
                  assert.deepEqual(
                    Object.getOwnPropertyDescriptor(object, key),
                    Object.getOwnPropertyDescriptor(want, key),
                  );
                }
              }
            }
          }
          assert.deepEqual(prototypes(), before, 'no prototype changed');
        },
      ),
      { numRuns: RUNS },
    );
  });
});
