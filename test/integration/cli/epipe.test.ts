import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { supervisesRun } from '../../../src/cli/stdoutGuard';
import { tempDir, writeFiles } from '../../helpers/gitRepo';
import { cliEnv, cliSource, latestRun, tsxLoader } from '../../helpers/xlensProcess';

/** Runs `xlens <args> | head -n 2` through a real shell pipe; resolves with head's output and the exit status. */
function pipedToHead(cwd: string, args: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    // `set -o pipefail` is not POSIX: report xlens's own exit code through a file instead.
    const script = `{ "${process.execPath}" --import "${tsxLoader}" "${cliSource}" ${args}; echo $? > xlens.code; } | head -n 2`;
    const child = spawn('/bin/sh', ['-c', script], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('stdout closed by the reader (EPIPE)', () => {
  it('`xlens run t | head -n 2` lets the run finish: succeeded, output.log and metrics complete', async () => {
    const root = tempDir();
    writeFiles(root, {
      // 200 lines over ~2 s: head is long gone when most of them are printed.
      'task.js': [
        "const fs = require('fs');",
        'let i = 0;',
        'const timer = setInterval(() => {',
        "  console.log('line ' + i + ' loss=' + (1 / (i + 1)));",
        '  if (++i === 200) {',
        '    clearInterval(timer);',
        "    fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: 199, values: { done: 1 } }) + '\\n');",
        '  }',
        '}, 10);',
      ].join('\n'),
      'xlens.yaml': 'tasks:\n  t:\n    run: node task.js\n',
    });
    const result = await pipedToHead(root, 'run t');
    assert.equal(result.out.split('\n').filter(Boolean).length, 2, result.out);
    assert.equal(readFileSync(join(root, 'xlens.code'), 'utf8').trim(), '0', result.err);
    const run = latestRun(root);
    assert.equal(run?.status, 'succeeded', run?.error);
    assert.equal(run?.metrics.done?.last, 1);
    const log = readFileSync(join(root, '.xlens/runs', run.id, 'output.log'), 'utf8');
    assert.equal(log.split('\n').filter((l) => l.startsWith('line ')).length, 200);
  });

  it('other commands still stop early: `xlens runs` piped to head exits', async () => {
    const root = tempDir();
    writeFiles(root, { 'xlens.yaml': 'tasks:\n  t:\n    run: node -e ""\n' });
    const result = await pipedToHead(root, 'runs');
    assert.equal(result.code, 0, result.err);
  });

  it('knows which arguments run a task', () => {
    assert.equal(supervisesRun(['run', 'train']), true);
    assert.equal(supervisesRun(['--cwd', 'run', 'runs']), false);
    assert.equal(supervisesRun(['--cwd=x', 'run']), true);
    assert.equal(supervisesRun(['runs', 'run']), false);
    assert.equal(supervisesRun([]), false);
  });
});
