/**
 * Sharing runs through git remotes (real CLI processes, real repositories): push to a bare repository,
 * clone elsewhere, pull, the same runs listed and reproducible there; pushing twice is a no-op; two
 * clones pushing at once both land; and one round over a real network transport (`git daemon`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { gitIn, gitTestEnv, makeRepo, tempDir, writeFiles } from '../../helpers/gitRepo';
import { penguinsFiles } from '../../helpers/penguins';
import { runIds, xlens } from '../../helpers/xlensProcess';

const CONFIG = 'version: 1\ntasks:\n  hi: { run: "echo hi", outputs: [] }\n';

/** A bare repository and a first clone (`main` pushed), made from `files`. */
function remoteAndClone(files: Record<string, string>): { bare: string; origin: string } {
  const origin = makeRepo(files);
  const bare = join(tempDir('xlens-bare-'), 'shared.git');
  gitIn(origin, ['init', '-q', '--bare', '-b', 'main', bare]);
  gitIn(origin, ['remote', 'add', 'origin', bare]);
  gitIn(origin, ['push', '-q', 'origin', 'main']);
  return { bare, origin };
}

function cloneOf(url: string): string {
  const dir = join(tempDir('xlens-clone-'), 'work');
  gitIn(tempDir(), ['clone', '-q', url, dir]);
  return dir;
}

async function runsJson(root: string): Promise<RunRecord[]> {
  const listed = await xlens(root, ['runs', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout) as RunRecord[];
}

const shared = (r: RunRecord) => ({
  id: r.id,
  task: r.task,
  status: r.status,
  params: r.params,
  metrics: { ...r.metrics },
  git: r.git,
});

describe('sharing runs through git (real CLI process)', () => {
  it('push to a bare repository, clone, pull: the same runs, reproducible there; pushing twice is a no-op', async () => {
    const { origin, bare } = remoteAndClone(penguinsFiles(4));
    writeFiles(origin, { 'xlens.yaml': penguinsFiles(5)['xlens.yaml'] }); // a run from uncommitted code
    assert.equal((await xlens(origin, ['run', 'train', '-q'])).code, 0);
    const [id] = runIds(origin);
    writeFileSync(
      join(origin, '.xlens/runs', id, 'annotations.json'),
      '{"starred": true, "note": "baseline"}',
    );

    const pushed = await xlens(origin, ['push', '--max-artifact-mb', '0.001']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /^1 pushed, 0 already on origin$/m);
    const refsBefore = gitIn(bare, ['for-each-ref']);
    const again = await xlens(origin, ['push', 'origin', id, '--max-artifact-mb', '0.001']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^0 pushed, 1 already on origin$/m);
    assert.equal(gitIn(bare, ['for-each-ref']), refsBefore, 'the remote is unchanged');
    assert.deepEqual(
      refsBefore
        .split('\n')
        .map((l) => l.split('\t')[1])
        .filter((r) => r.startsWith('refs/xlens/'))
        .sort(),
      [`refs/xlens/records/${id}`, `refs/xlens/runs/${id}`],
    );

    const clone = cloneOf(bare);
    const pulled = await xlens(clone, ['pull']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, new RegExp(`^pulled ${id}$`, 'm'));
    const [mine] = await runsJson(origin);
    const [theirs] = await runsJson(clone);
    assert.deepEqual(shared(theirs), shared(mine));
    assert.equal(theirs.origin?.remote, 'origin');
    assert.equal(theirs.origin?.record, gitIn(bare, ['rev-parse', `refs/xlens/records/${id}`]));
    assert.equal(
      readFileSync(join(clone, '.xlens/runs', id, 'annotations.json'), 'utf8'),
      '{"starred": true, "note": "baseline"}',
    );
    assert.equal(
      readFileSync(join(clone, '.xlens/runs', id, 'metrics.jsonl'), 'utf8'),
      readFileSync(join(origin, '.xlens/runs', id, 'metrics.jsonl'), 'utf8'),
    );
    // Artifacts over the limit are listed with size and hash instead of stored.
    const manifest = JSON.parse(
      readFileSync(join(clone, '.xlens/runs', id, 'xlens-record.json'), 'utf8'),
    ) as {
      omitted: { path: string; size: number; sha256: string }[];
    };
    assert.ok(manifest.omitted.length > 0);
    for (const o of manifest.omitted) {
      const bytes = readFileSync(join(origin, '.xlens/runs', id, o.path));
      assert.equal(o.size, bytes.length);
      assert.equal(o.sha256, createHash('sha256').update(bytes).digest('hex'));
    }
    assert.match((await xlens(clone, ['pull'])).stdout, /^0 new runs, 0 updated from origin$/m);

    const reproduced = await xlens(clone, ['reproduce', id, '-q']);
    assert.equal(reproduced.code, 0, reproduced.stderr);
    const names = Object.keys(mine.metrics).length;
    assert.match(reproduced.stdout, new RegExp(`${names} of ${names} metrics identical`));
  });

  it('an updated pulled run takes the remote note, unless the note was changed here', async () => {
    const { origin, bare } = remoteAndClone({ 'xlens.yaml': CONFIG });
    assert.equal((await xlens(origin, ['run', 'hi', '-q'])).code, 0);
    const [first] = runIds(origin);
    assert.equal((await xlens(origin, ['run', 'hi', '-q'])).code, 0);
    const second = runIds(origin).find((id) => id !== first)!;
    const annotations = (root: string, id: string): string =>
      join(root, '.xlens/runs', id, 'annotations.json');
    writeFileSync(annotations(origin, first), '{"note": "v1"}');
    writeFileSync(annotations(origin, second), '{"note": "v1"}');
    assert.equal((await xlens(origin, ['push'])).code, 0);
    const clone = cloneOf(bare);
    assert.equal((await xlens(clone, ['pull'])).code, 0);

    writeFileSync(annotations(clone, first), '{"starred": true, "note": "mine"}');
    writeFileSync(annotations(origin, first), '{"note": "v2"}');
    writeFileSync(annotations(origin, second), '{"note": "v2"}');
    const pushed = await xlens(origin, ['push']);
    assert.match(pushed.stdout, /^2 pushed/m, pushed.stdout);
    const pulled = await xlens(clone, ['pull']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, new RegExp(`^updated ${first}$`, 'm'));
    assert.match(pulled.stdout, new RegExp(`^updated ${second}$`, 'm'));
    assert.match(pulled.stdout, new RegExp(`^kept the star and note of ${first} set here`, 'm'));
    assert.doesNotMatch(pulled.stdout, new RegExp(`kept the star and note of ${second}`));
    assert.equal(readFileSync(annotations(clone, first), 'utf8'), '{"starred": true, "note": "mine"}');
    assert.equal(readFileSync(annotations(clone, second), 'utf8'), '{"note": "v2"}');
    const [theirs] = (await runsJson(clone)).filter((r) => r.id === first);
    assert.equal(theirs.origin?.record, gitIn(bare, ['rev-parse', `refs/xlens/records/${first}`]));
  });

  it("keeps artifacts over xlens.yaml's share.max_artifact_mb out of the record; the flag overrides it", async () => {
    // A 4 KiB artifact saved where tasks save theirs.
    const make =
      "require('node:fs').writeFileSync(process.env.XLENS_RUN_DIR + '/artifacts/model.bin', Buffer.alloc(4096, 1));\n";
    const config = [
      'version: 1',
      'share: { max_artifact_mb: 0.001 }',
      'tasks:',
      '  make: { run: node make.js }',
      '',
    ].join('\n');
    const { origin, bare } = remoteAndClone({
      'xlens.yaml': config,
      'make.js': make,
      '.gitignore': 'out.bin\n',
    });
    const manifestOf = (id: string) =>
      JSON.parse(gitIn(bare, ['show', `refs/xlens/records/${id}:xlens-record.json`])) as {
        omitted: { path: string; size: number }[];
      };
    assert.equal((await xlens(origin, ['run', 'make', '-q'])).code, 0);
    const [limited] = runIds(origin);
    const pushed = await xlens(origin, ['push', 'origin', limited]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.deepEqual(
      manifestOf(limited).omitted.map((o) => o.size),
      [4096],
      'the 4 KiB artifact is over the 0.001 MiB of xlens.yaml: listed, not stored',
    );
    assert.equal((await xlens(origin, ['run', 'make', '-q'])).code, 0);
    const [flagged] = runIds(origin).filter((id) => id !== limited);
    const withFlag = await xlens(origin, ['push', 'origin', flagged, '--max-artifact-mb', '1']);
    assert.equal(withFlag.code, 0, withFlag.stderr);
    assert.deepEqual(manifestOf(flagged).omitted, [], 'the flag (1 MiB) wins over xlens.yaml');
  });

  it('two clones pushing different runs at once both land', async () => {
    const { bare } = remoteAndClone({ 'xlens.yaml': CONFIG });
    const [a, b] = [cloneOf(bare), cloneOf(bare)];
    for (const clone of [a, b]) {
      writeFiles(clone, { 'local.txt': clone });
      assert.equal((await xlens(clone, ['run', 'hi', '-q'])).code, 0);
    }
    const results = await Promise.all([xlens(a, ['push']), xlens(b, ['push'])]);
    results.forEach((r) => assert.equal(r.code, 0, r.stderr));
    const third = cloneOf(bare);
    assert.equal((await xlens(third, ['pull'])).code, 0);
    assert.deepEqual(runIds(third), [...runIds(a), ...runIds(b)].sort());
    assert.deepEqual(
      (await runsJson(third)).map(shared).sort((x, y) => x.id.localeCompare(y.id)),
      [...(await runsJson(a)), ...(await runsJson(b))].map(shared).sort((x, y) => x.id.localeCompare(y.id)),
    );
  });

  it('pushes and pulls over a real network transport (git daemon on 127.0.0.1)', async () => {
    const { origin, bare } = remoteAndClone({ 'xlens.yaml': CONFIG });
    const base = join(bare, '..');
    const port = await freePort();
    const home = tempDir('xlens-daemon-home-');
    const daemon = spawn(
      'git',
      [
        'daemon',
        '--reuseaddr',
        `--base-path=${base}`,
        '--export-all',
        '--enable=receive-pack',
        '--listen=127.0.0.1',
        `--port=${port}`,
        base,
      ],
      { env: gitTestEnv(home), stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    try {
      await acceptsConnections(port, exited);
      const url = `git://127.0.0.1:${port}/shared.git`;
      writeFiles(origin, { 'edit.txt': 'uncommitted\n' });
      assert.equal((await xlens(origin, ['run', 'hi', '-q'])).code, 0);
      const [id] = runIds(origin);
      const pushed = await xlens(origin, ['push', url]);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stdout, new RegExp(`^pushed ${id}$`, 'm'));
      const clone = cloneOf(url);
      const pulled = await xlens(clone, ['pull', url]);
      assert.equal(pulled.code, 0, pulled.stderr);
      const [theirs] = await runsJson(clone);
      assert.deepEqual(shared(theirs), shared((await runsJson(origin))[0]));
      assert.equal(theirs.origin?.remote, url);
      assert.equal(gitIn(clone, ['rev-parse', `refs/xlens/runs/${id}`]), theirs.git.snapshot);
    } finally {
      daemon.kill('SIGTERM');
      await exited;
    }
  });
});

/** A TCP port free on 127.0.0.1 now (bound and released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once the port accepts a TCP connection; rejects if the daemon exits first. */
async function acceptsConnections(port: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) {
      throw new Error('git daemon exited before accepting connections');
    }
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
