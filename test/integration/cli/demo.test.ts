/**
 * `npm run demo` as a new user runs it: scripts/demo.mjs with the bundled CLI (dist/cli.js, which
 * `npm run demo` and CI build before this runs) on the real penguins example.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, tempDir } from '../../helpers/gitRepo';
import { cliEnv, repoRoot } from '../../helpers/xlensProcess';

const bundledCli = join(repoRoot, 'dist', 'cli.js');

describe(
  'npm run demo',
  { skip: !existsSync(bundledCli) && 'dist/cli.js is not built (npm run build)' },
  () => {
    it('trains (validation accuracy >= 0.95) and evaluates on the penguins data, tracked against git', async () => {
      const dir = join(tempDir(), 'demo');
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(repoRoot, 'scripts/demo.mjs')], {
          cwd: repoRoot,
          env: { ...cliEnv(), XLENS_DEMO_DIR: dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => done({ code, stdout, stderr }));
      });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/\x1b/.test(result.stdout), 'no terminal escapes when stdout is a pipe');

      const runsDir = join(dir, '.xlens', 'runs');
      const runs = readdirSync(runsDir)
        .sort()
        .map((id) => JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')) as RunRecord);
      assert.deepEqual(
        runs.map((r) => [r.task, r.status]),
        [
          ['train', 'succeeded'],
          ['eval', 'succeeded'],
        ],
      );
      const [train, evaluation] = runs;
      const head = gitIn(dir, ['rev-parse', 'HEAD']);
      assert.equal(train.git.commit, head);
      assert.equal(train.git.dirty, false, 'the store is ignored, so the tree stays clean');
      assert.ok(train.metrics.val_accuracy.last >= 0.95, `val_accuracy ${train.metrics.val_accuracy.last}`);
      assert.ok(evaluation.metrics['eval/accuracy'].last >= 0.9);

      // The printed table and run folder listing a new user sees.
      assert.match(
        result.stdout,
        new RegExp(`${train.id}\\s+train\\s+succeeded\\s+${head.slice(0, 7)}\\s+no`),
      );
      assert.match(result.stdout, new RegExp(`${evaluation.id}\\s+eval\\s+succeeded`));
      assert.match(result.stdout, /Run folders \(.*\.xlens\/runs\):/);

      const trainDir = join(runsDir, train.id);
      for (const file of ['run.json', 'metrics.jsonl', 'output.log', 'artifacts/model']) {
        assert.ok(existsSync(join(trainDir, file)), file);
      }
      const epochLines = readFileSync(join(trainDir, 'metrics.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { step: number; values: Record<string, number> })
        .filter((l) => 'val_accuracy' in l.values);
      assert.equal(epochLines.length, train.info?.epochsRun, 'one line per epoch');
      assert.deepEqual(
        epochLines.map((l) => l.step),
        epochLines.map((_, i) => i + 1),
      );
      rmSync(dir, { recursive: true, force: true });
    });
  },
);
