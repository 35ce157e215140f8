/**
 * `xlens compare --html` and `xlens runs` with a `name:@step` column read each run's metrics.jsonl:
 * a FIFO or a link to /dev/zero in its place is not read (it would block forever or never end); the
 * commands finish with the run's summaries from run.json.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeRepo, tempDir } from '../helpers/gitRepo';
import { runIds, startXlens, type Result } from '../helpers/xlensProcess';

/** Runs the CLI; a run past the test's limit is killed, so a hang fails the test instead of leaking. */
async function xlensKilledOnHang(cwd: string, args: string[], signal: AbortSignal): Promise<Result> {
  const started = startXlens(cwd, args);
  const kill = (): boolean => started.child.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });
  try {
    return await started.done;
  } finally {
    signal.removeEventListener('abort', kill);
  }
}

describe('metrics.jsonl replaced by a special file', { skip: process.platform === 'win32' }, () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml':
        'version: 1\ntasks:\n  t:\n    run: echo \'{"step":0,"values":{"loss":1}}\' >> "$XLENS_METRICS_FILE"\n',
      '.gitignore': '.xlens/\n',
    });
    const controller = new AbortController();
    for (let i = 0; i < 2; i++) {
      assert.equal((await xlensKilledOnHang(root, ['run', 't'], controller.signal)).code, 0);
    }
    ids = runIds(root);
    const fifo = join(root, '.xlens/runs', ids[0], 'metrics.jsonl');
    rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    const zero = join(root, '.xlens/runs', ids[1], 'metrics.jsonl');
    rmSync(zero);
    symlinkSync('/dev/zero', zero);
  });

  it('xlens compare --html finishes without reading them', { timeout: 120_000 }, async (t) => {
    const out = join(tempDir(), 'compare.html');
    const result = await xlensKilledOnHang(root, ['compare', ...ids, '--html', out], t.signal);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(out));
    assert.match(result.stdout, /^\s+#2\s+1\s+1\s+1\s+1\s+0\s+0\s+0$/m, 'the summaries of run.json');
  });

  it(
    'xlens runs with a value-at-step column finishes without reading them',
    { timeout: 120_000 },
    async (t) => {
      const result = await xlensKilledOnHang(root, ['runs', '--columns', 'id,loss:@0'], t.signal);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^${ids[0]}\\s+—$`, 'm'));
    },
  );
});
