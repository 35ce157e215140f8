import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  formatValues,
  jobContextFromEnv,
  mergeInfo,
  withSeededRandom,
  writeMetrics,
} from '../../../src/core/train/job';

describe('built-in job plumbing', () => {
  it('seeds Math.random for the training only, and puts the original back, also after a throw', async () => {
    const original = Math.random;
    const draws = (seed: number) =>
      withSeededRandom(seed, () => Promise.resolve([Math.random(), Math.random()]));
    const a = await draws(7);
    assert.equal(Math.random, original);
    assert.deepEqual(await draws(7), a, 'the same seed repeats the draws');
    assert.notDeepEqual(await draws(8), a);
    await assert.rejects(
      withSeededRandom(7, () => {
        assert.notEqual(Math.random, original);
        return Promise.reject(new Error('training failed'));
      }),
      /training failed/,
    );
    assert.equal(Math.random, original);
  });

  it("takes the run folder and metrics file from the runner, else from task.json's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-job-'));
    const ctx = jobContextFromEnv(join(dir, 'task.json'), {});
    assert.equal(ctx.runDir, dir);
    assert.equal(ctx.metricsFile, join(dir, 'metrics.jsonl'));
    const fromEnv = jobContextFromEnv('task.json', {
      XLENS_RUN_DIR: dir,
      XLENS_METRICS_FILE: join(dir, 'm.jsonl'),
      XLENS_RUN_ID: 'r1',
    });
    assert.equal(fromEnv.metricsFile, join(dir, 'm.jsonl'));
    assert.equal(fromEnv.runId, 'r1');
  });

  it('appends protocol lines and leaves non-finite values out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-job-'));
    const ctx = jobContextFromEnv(join(dir, 'task.json'), {});
    assert.deepEqual(writeMetrics(ctx, 1, { loss: 0.5, accuracy: 0.75 }), []);
    assert.deepEqual(writeMetrics(ctx, 2, { loss: NaN, accuracy: 0.8 }), ['loss']);
    assert.deepEqual(writeMetrics(ctx, 3, { loss: Infinity }), ['loss']);
    const lines = readFileSync(ctx.metricsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; time: number; values: Record<string, number> });
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l.step, l.values]),
      [
        [1, { loss: 0.5, accuracy: 0.75 }],
        [2, { accuracy: 0.8 }],
      ],
    );
    assert.ok(Number.isInteger(lines[0].time));
  });

  it('merges facts into info.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-job-'));
    writeFileSync(join(dir, 'info.json'), '{"backend":"wasm"}');
    mergeInfo({ runDir: dir, metricsFile: join(dir, 'metrics.jsonl'), root: dir }, { epochsRun: 3 });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')), {
      backend: 'wasm',
      epochsRun: 3,
    });
  });

  it('formats progress values with four significant digits', () => {
    assert.equal(formatValues({ loss: 0.312345, val_accuracy: 0.97 }), 'loss=0.3123 val_accuracy=0.97');
  });
});
