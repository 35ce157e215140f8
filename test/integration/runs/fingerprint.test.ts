import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Fingerprinter } from '../../../src/core/runs/fingerprint';
import { tempDir, writeFiles } from '../../helpers/gitRepo';

const penguins = 'node_modules/vega-datasets/data/penguins.json';

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

describe('data fingerprints', () => {
  it('hash a real dataset file exactly as sha256sum does', async () => {
    const root = process.cwd();
    const cache = join(tempDir(), 'fingerprints.json');
    const [fp] = await new Fingerprinter(cache).fingerprint(root, [penguins]);
    assert.equal(fp.sha256, sha256sum(penguins));
    assert.equal(fp.size, statSync(penguins).size);
    assert.equal(fp.path, penguins);
    assert.equal(fp.files, 1);
    const cached = JSON.parse(readFileSync(cache, 'utf8'));
    assert.equal(cached.entries[join(root, penguins)].sha256, fp.sha256);
  });

  it('reuse the cached hash only while device, inode, size, mtime and ctime are all unchanged', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': 'a,b\n1,2\n' });
    const file = join(root, 'd.csv');
    const old = new Date('2026-01-01T00:00:00Z'); // whole ms, so it round-trips
    utimesSync(file, old, old);
    const cache = join(root, '.xlens/cache/fingerprints.json');
    const first = (await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0];
    assert.equal(first.sha256, sha256sum(file));
    // The cache answers for an untouched file: a marked entry comes back as is.
    const marked = JSON.parse(readFileSync(cache, 'utf8')) as { entries: Record<string, { sha256: string }> };
    marked.entries[file].sha256 = 'f'.repeat(64);
    writeFileSync(cache, JSON.stringify(marked));
    assert.equal((await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0].sha256, 'f'.repeat(64));

    // A same-size rewrite with its mtime put back (what size+mtime alone could not see): ctime moved.
    writeFileSync(file, 'a,b\n3,4\n');
    utimesSync(file, old, old);
    const second = (await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0];
    assert.equal(second.sha256, sha256sum(file));
    assert.notEqual(second.sha256, first.sha256);

    // `cp -p` of another file over it (same size and mtime): a new inode, hashed again.
    writeFiles(root, { 'other.csv': 'a,b\n5,6\n' });
    utimesSync(join(root, 'other.csv'), old, old);
    execFileSync('cp', ['-p', join(root, 'other.csv'), `${file}.new`]);
    renameSync(`${file}.new`, file);
    assert.equal(statSync(file).mtimeMs, old.getTime());
    const third = (await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0];
    assert.equal(third.sha256, sha256sum(file));
    assert.notEqual(third.sha256, second.sha256);
  });

  it('do not trust the cache for a file modified within 2 s of its hashing (same-tick rewrite)', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': 'a,b\n1,2\n' });
    const file = join(root, 'd.csv');
    const cache = join(root, '.xlens/cache/fingerprints.json');
    const first = (await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0];
    const entry = (
      JSON.parse(readFileSync(cache, 'utf8')) as { entries: Record<string, { hashedAt: number }> }
    ).entries[file];
    assert.ok(Math.abs(entry.hashedAt - Date.now()) < 60_000, 'the entry records when it was hashed');
    // A same-size rewrite in the same mtime tick: size and mtime cannot tell it apart.
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'a,b\n3,4\n');
    utimesSync(file, atime, mtime);
    const second = (await new Fingerprinter(cache).fingerprint(root, ['d.csv']))[0];
    assert.notEqual(second.sha256, first.sha256);
    assert.equal(second.sha256, sha256sum(file));
  });

  it('hash again an entry of an older cache that does not say when it was hashed', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': 'a,b\n1,2\n' });
    const file = join(root, 'd.csv');
    utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const { size, mtimeMs } = statSync(file);
    const cache = join(root, 'cache.json');
    writeFileSync(
      cache,
      JSON.stringify({ version: 1, entries: { [file]: { size, mtimeMs, sha256: 'f'.repeat(64) } } }),
    );
    const [fp] = await new Fingerprinter(cache).fingerprint(root, ['d.csv']);
    assert.equal(fp.sha256, sha256sum(file));
  });

  it('hash folders file by file, so any change inside changes the fingerprint', async () => {
    const root = tempDir();
    writeFiles(root, { 'data/a.csv': 'x\n1\n', 'data/sub/b.csv': 'y\n2\n' });
    const cache = join(root, 'cache.json');
    const [before] = await new Fingerprinter(cache).fingerprint(root, ['data']);
    assert.equal(before.files, 2);
    assert.equal(before.size, 8);
    assert.equal(before.path, 'data');
    writeFiles(root, { 'data/sub/b.csv': 'y\n3\n' });
    const [after] = await new Fingerprinter(cache).fingerprint(root, ['data']);
    assert.notEqual(after.sha256, before.sha256);
  });

  it('fail with ENOENT for a missing input', async () => {
    const root = tempDir();
    await assert.rejects(new Fingerprinter(join(root, 'c.json')).fingerprint(root, ['nope.csv']), {
      code: 'ENOENT',
    });
  });
});
