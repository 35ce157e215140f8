/**
 * Loading `xlens.yaml` takes time in proportion to its size, and a file too large to load quickly is
 * refused at once: positions of keys were found by a linear search per lookup and duplicate keys by
 * comparing each key with every earlier one, so 32,000 tasks took 55 s and a 10 MB file did not load
 * in 10 minutes (issue "Nothing lost, nothing escapes", item 13). The editor uses the same loader.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/core/config/load';
import { tempDir } from '../helpers/gitRepo';
import { startXlens } from '../helpers/xlensProcess';

/** `count` one-line tasks: many keys in few bytes, where a per-key linear search shows most. */
function manyTasks(count: number): string {
  const tasks: string[] = [];
  for (let i = 0; i < count; i++) {
    tasks.push(`  t${i}: {run: echo ${i}, timeout: ${(i % 90) + 1}m}\n`);
  }
  return `version: 1\ntasks:\n${tasks.join('')}`;
}

describe('config size', () => {
  // Before: about 3 minutes here (quadratic in the number of keys). After: about 2 s.
  it('loads 40,000 tasks in linear time', async () => {
    const root = tempDir('xlens-big-');
    const text = manyTasks(40_000);
    writeFileSync(join(root, 'xlens.yaml'), text);
    const started = performance.now();
    const { config, errors } = await loadProject(root);
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(errors, []);
    assert.equal(config?.tasks.size, 40_000);
    const last = config.tasks.get('t39999');
    assert.equal(last?.timeoutMs, ((39_999 % 90) + 1) * 60_000);
    assert.equal(last?.range?.line, 40_002);
    assert.ok(seconds < 30, `loading 40,000 tasks took ${seconds.toFixed(1)} s`);
  });

  it('a duplicate task among 40,000 is reported at its line', async () => {
    const root = tempDir('xlens-big-');
    writeFileSync(join(root, 'xlens.yaml'), `${manyTasks(40_000)}  t7: {run: again}\n`);
    const { errors } = await loadProject(root);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /xlens\.yaml:40003:3: YAML syntax: Map keys must be unique/);
  });

  // Before: minutes of CPU, killed at the bound. After: refused in well under a second.
  it('a 12 MB xlens.yaml is refused at once, naming the limit', async () => {
    const root = tempDir('xlens-big-');
    writeFileSync(join(root, 'xlens.yaml'), manyTasks(300_000));
    const started = startXlens(root, ['run', 't1']);
    const timer = setTimeout(() => started.child.kill('SIGKILL'), 20_000);
    const result = await started.done;
    clearTimeout(timer);
    assert.equal(result.code, 2, `exit 2 within 20 s (killed: ${result.code === null})\n${result.stderr}`);
    assert.match(
      result.stderr,
      /xlens\.yaml: the file is 1\d\.\d MiB; the largest xlens\.yaml loaded is 4\.0 MiB/,
    );
  });
});
