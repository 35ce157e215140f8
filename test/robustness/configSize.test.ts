/**
 * Loading `xlens.yaml` takes time in proportion to its size: positions of keys were found by a linear
 * search per lookup, so 32,000 tasks took 55 s and a 10 MB file did not load in 10 minutes (issue
 * "Nothing lost, nothing escapes", item 13). The editor uses the same loader on every keystroke.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/core/config/load';
import { tempDir } from '../helpers/gitRepo';

/** `count` tasks with the fields real ones have (run with a param, params, data, metrics, timeout). */
function bigConfig(count: number): string {
  const tasks: string[] = [];
  for (let i = 0; i < count; i++) {
    tasks.push(
      `  task-${i}:\n` +
        `    description: task number ${i}\n` +
        `    run: python train.py --lr \${params.lr} --seed ${i}\n` +
        `    params: {lr: 0.0${i % 10}1, layers: [${i % 7}, ${i % 5}]}\n` +
        `    metrics:\n      - stdout: '(?<name>loss)=(?<value>[-+.\\deE]+)'\n` +
        `    outputs: [models/${i}/]\n` +
        `    timeout: ${(i % 90) + 1}m\n`,
    );
  }
  return `version: 1\ntasks:\n${tasks.join('')}`;
}

describe('config size', () => {
  it('loads 20,000 tasks in linear time', async () => {
    const root = tempDir('xlens-big-');
    const text = bigConfig(20_000);
    writeFileSync(join(root, 'xlens.yaml'), text);
    const started = performance.now();
    const { config, errors } = await loadProject(root);
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(errors, []);
    assert.equal(config?.tasks.size, 20_000);
    const last = config.tasks.get('task-19999');
    assert.equal(last?.timeoutMs, ((19_999 % 90) + 1) * 60_000);
    assert.equal(last?.range?.line, text.split('\n').indexOf('  task-19999:') + 1);
    // BOUND_PLACEHOLDER
    assert.ok(seconds < 30, `loading ${(text.length / 1e6).toFixed(1)} MB took ${seconds.toFixed(1)} s`);
  });
});
