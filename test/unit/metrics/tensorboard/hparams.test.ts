/**
 * TensorBoard hyperparameters as a run's params, on logs written by the real libraries
 * (test/fixtures/{keras,tensorboardx,lightning}/generate.py; the params and scalars each library was
 * given are recorded beside the logs by the same script).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSource } from '../../../../src/core/metrics/discovery/discovery';
import { discoverImportedRuns } from '../../../../src/core/metrics/discovery/discovery';
import { createSourceReader } from '../../../../src/core/metrics/readerFactory';
import { SeriesAccumulator } from '../../../../src/core/metrics/readers';
import { decodeHParamsContent } from '../../../../src/core/metrics/tensorboard/hparams';
import { readTensorBoardLogdir } from '../../../../src/core/metrics/tensorboard';
import { eventRecord, fileVersionEvent } from '../../../../src/core/metrics/tensorboard/eventWriter';
import { tempDir } from '../../../helpers/gitRepo';

const FIXTURES = join(__dirname, '../../../fixtures');
const json = <T>(path: string): T => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as T;

type Params = Record<string, string | number | boolean | null>;

describe('TensorBoard: hparams as params', () => {
  it('Keras callback + hp.hparams(): the session params on the run folder and on its train/ and validation/', async () => {
    const given = json<Record<string, Params>>('keras/tb_hparams/expected_params.json');
    const runs = await readTensorBoardLogdir(join(FIXTURES, 'keras/tb_hparams'));
    assert.deepEqual(runs.map((r) => r.id).sort(), [
      'run-0',
      'run-0/train',
      'run-0/validation',
      'run-1',
      'run-1/train',
      'run-1/validation',
    ]);
    for (const trial of Object.keys(given)) {
      assert.deepEqual({ ...runs.find((r) => r.id === trial)!.params }, given[trial], trial);
    }
    // Imported, the train/ and validation/ runs below a session folder carry its params.
    const imported = await discoverImportedRuns(join(FIXTURES, 'keras/tb_hparams'));
    assert.equal(imported.runs.length, 6);
    for (const run of imported.runs) {
      const trial = run.name.split('/')[0];
      assert.deepEqual({ ...run.params }, given[trial], run.name);
    }
    assert.deepEqual(imported.warnings, []);
  });

  it('tensorboardX add_hparams: the timestamped sub-folder is folded into its run (params and scalars), no extra run', async () => {
    const given = json<Record<string, { params: Params; scalars: Record<string, [number, number][]> }>>(
      'tensorboardx/expected.json',
    );
    const result = await discoverImportedRuns(join(FIXTURES, 'tensorboardx/runs'));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.runs.map((r) => r.name).sort(), ['lr_0.01', 'lr_0.1']);
    for (const [folder, want] of Object.entries(given)) {
      const { runs } = await readSource({
        format: 'tensorboard',
        path: join(FIXTURES, 'tensorboardx', folder),
      });
      assert.equal(runs.length, 1, `${folder}: one run`);
      const run = runs[0];
      assert.equal(run.id, '.');
      assert.deepEqual({ ...run.params }, want.params);
      assert.deepEqual(
        Object.fromEntries(
          [...run.metrics].map(([name, points]) => [name, points.map((p) => [p.step, p.value])]),
        ),
        want.scalars,
      );
    }
  });

  it('Lightning TensorBoardLogger: hparams.yaml beside the events and the session record agree', async () => {
    const { hparams } = json<{ hparams: Params }>('lightning/expected.json');
    const [run] = await readTensorBoardLogdir(join(FIXTURES, 'lightning/tb_logs/demo/version_0'));
    assert.deepEqual({ ...run.params }, hparams);
    // Without hparams.yaml, the HParams session record alone gives the same params.
    const dir = tempDir('xlens-tb-');
    cpSync(join(FIXTURES, 'lightning/tb_logs/demo/version_0'), dir, { recursive: true });
    writeFileSync(join(dir, 'hparams.yaml'), '');
    const alone = await readTensorBoardLogdir(dir);
    assert.deepEqual({ ...alone[0].params }, hparams);
  });

  it('a later change of hparams.yaml reaches a followed run as new params', async () => {
    const dir = tempDir('xlens-tb-');
    cpSync(join(FIXTURES, 'lightning/tb_logs/demo/version_0'), dir, { recursive: true });
    const reader = createSourceReader({ format: 'tensorboard', path: dir });
    const acc = new SeriesAccumulator();
    acc.apply(await reader.read());
    assert.equal(acc.snapshot()[0].params.lr, 0.05);
    assert.deepEqual((await reader.read()).runs, [], 'nothing new: nothing sent');
    writeFileSync(join(dir, 'hparams.yaml'), 'hidden: 8\nlr: 0.5\noptimizer: sgd\nnested:\n  depth: 2\n');
    acc.apply(await reader.read());
    assert.deepEqual(
      { ...acc.snapshot()[0].params },
      { hidden: 8, lr: 0.5, optimizer: 'sgd', 'nested.depth': 2 },
    );
    reader.dispose?.();
  });

  it('names from the file stay data: a "__proto__" hparam is a param like any other', () => {
    // HParamsPluginData{session_start_info{hparams{key:"__proto__" value{number_value:1}}}}, by hand.
    const value = Buffer.from([0x11, ...Buffer.from(new Float64Array([1]).buffer)]);
    const entry = Buffer.concat([
      Buffer.from([0x0a, 9]),
      Buffer.from('__proto__'),
      Buffer.from([0x12, value.length]),
      value,
    ]);
    const start = Buffer.concat([Buffer.from([0x0a, entry.length]), entry]);
    const content = Buffer.concat([Buffer.from([0x1a, start.length]), start]);
    const decoded = decodeHParamsContent(content)!;
    assert.deepEqual(Object.keys(decoded.params), ['__proto__']);
    assert.equal(decoded.params.__proto__, 1);
    assert.equal(Object.getPrototypeOf(decoded.params), null);
  });
});

describe('TensorBoard: bad HParams plugin data', () => {
  it('is a warning naming the file and the record offset; the scalars around it are still read', async () => {
    const dir = tempDir('xlens-tb-bad-hparams-');
    const file = join(dir, 'events.out.tfevents.1.host.0');
    const records = [
      eventRecord(fileVersionEvent(1)),
      eventRecord({ wall_time: 1, step: 0, summary: { value: [{ tag: 'loss', simple_value: 0.5 }] } }),
      eventRecord({
        wall_time: 2,
        step: 0,
        summary: {
          value: [
            {
              tag: '_hparams_/session_start_info',
              metadata: { plugin_data: { plugin_name: 'hparams', content: Buffer.from([0x1a, 0x7f, 0x0a]) } },
            },
          ],
        },
      }),
      eventRecord({ wall_time: 3, step: 1, summary: { value: [{ tag: 'loss', simple_value: 0.25 }] } }),
    ];
    writeFileSync(file, Buffer.concat(records));
    const [run] = await readTensorBoardLogdir(dir);
    assert.deepEqual(
      run.metrics.get('loss')!.map((p) => [p.step, p.value]),
      [
        [0, 0.5],
        [1, 0.25],
      ],
    );
    assert.deepEqual({ ...run.params }, {});
    assert.equal(run.warnings.length, 1);
    assert.equal(run.warnings[0].file, file);
    assert.equal(run.warnings[0].offset, records[0].length + records[1].length);
    assert.match(run.warnings[0].message, /HParams plugin data/);
  });
});
