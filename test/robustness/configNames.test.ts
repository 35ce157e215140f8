/**
 * Params named like `Object.prototype` members are ordinary params (issue "Nothing lost, nothing
 * escapes", item 4): a `params:` map with `__proto__`, `constructor`, `toString` keeps each one, a
 * `${params.…}` placeholder of such a name reaches the command, and `--set` overrides it. Before, the
 * loader's `{}` dictionaries lost `__proto__` and the placeholder was refused as an unknown param.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/core/config/load';
import { resolveTask } from '../../src/core/runner/resolveTask';
import { RunStore } from '../../src/core/runs/store';
import { dict, dictFrom } from '../../src/shared/dict';
import { tempDir, writeFiles } from '../helpers/gitRepo';

const CONFIG = `version: 1
tasks:
  t:
    run: printf '%s|' \${params.__proto__} \${params.constructor} \${params.toString} \${params.nested.__proto__} > out
    params: params.yaml
`;
const PARAMS = `__proto__: 3
constructor: 2
toString: one
nested: { __proto__: deep }
`;

describe('params named like Object.prototype members', { skip: process.platform === 'win32' }, () => {
  it('are kept, reach the command and take --set overrides', async () => {
    const root = tempDir('xlens-config-names-');
    writeFiles(root, { 'xlens.yaml': CONFIG, 'params.yaml': PARAMS });
    const { config: project, errors } = await loadProject(root);
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
    );
    const task = project!.tasks.get('t')!;
    const params = new Map(Object.entries(task.params));
    assert.deepEqual(
      params,
      new Map<string, unknown>([
        ['__proto__', 3],
        ['constructor', 2],
        ['toString', 'one'],
        ['nested.__proto__', 'deep'],
      ]),
    );
    const store = new RunStore(root);
    for (const [overrides, expected] of [
      [dict<string>(), '3|2|one|deep|'],
      [
        dictFrom([
          ['__proto__', '7'],
          ['constructor', 'c'],
        ]),
        '7|c|one|deep|',
      ],
    ] as const) {
      const resolved = await resolveTask(project!, task, store, overrides);
      const run = resolved.task.kind === 'command' ? resolved.task.run : '';
      const paramEnv = (resolved as { paramEnv?: Record<string, string> }).paramEnv ?? {};
      const child = spawnSync('/bin/sh', ['-c', run], {
        cwd: root,
        env: { ...process.env, ...paramEnv },
        encoding: 'utf8',
      });
      assert.equal(child.status, 0, child.stderr);
      assert.equal(readFileSync(join(root, 'out'), 'utf8'), expected);
    }
  });
});
