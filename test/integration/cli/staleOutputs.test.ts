/**
 * `outputs:` are recorded only when the run wrote them, with their mtime and sha256 (real `xlens run`
 * processes in a temp git repository).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writtenSince } from '../../../src/core/runner/artifacts';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, xlens } from '../../helpers/xlensProcess';

const SAVE = `
const fs = require('fs');
fs.mkdirSync('models', { recursive: true });
fs.writeFileSync('models/x.pkl', 'weights ' + Date.now());
`;

const CONFIG = [
  'version: 1',
  'tasks:',
  '  save:',
  '    run: node save.js',
  '    outputs: [models/x.pkl, models/]',
  '  forgot:',
  '    run: echo forgot to save the model',
  '    outputs: [models/x.pkl, models/]',
  '',
].join('\n');

describe('xlens run: outputs written by the run, not stale files (real CLI process)', () => {
  it('records an output the run wrote with its sha256, and warns about one an earlier run left', async () => {
    const root = makeRepo({ 'xlens.yaml': CONFIG, 'save.js': SAVE, '.gitignore': 'models/\n' });
    const saved = await xlens(root, ['run', 'save']);
    assert.equal(saved.code, 0, saved.stderr);
    const first = latestRun(root)!;
    const bytes = readFileSync(join(root, 'models/x.pkl'));
    const file = first.artifacts.find((a) => a.path === 'models/x.pkl');
    assert.ok(file, JSON.stringify(first.artifacts));
    assert.equal(file.size, bytes.length);
    assert.equal(file.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.ok(first.artifacts.some((a) => a.path === 'models' && a.sha256 === undefined));
    assert.deepEqual(first.warnings ?? [], []);

    // The model is an hour old when the next run starts, which does not write it.
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(root, 'models/x.pkl'), hourAgo, hourAgo);
    const forgot = await xlens(root, ['run', 'forgot']);
    assert.equal(forgot.code, 0, forgot.stderr);
    const second = latestRun(root)!;
    assert.notEqual(second.id, first.id);
    assert.deepEqual(
      second.artifacts.filter((a) => a.root === 'workspace'),
      [],
      'an earlier run’s model is not claimed',
    );
    const warnings = second.warnings ?? [];
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(
      warnings[0],
      /^output models\/x\.pkl was not written by this run \(last modified \d{4}-\d\d-\d\dT/,
    );
    assert.match(warnings[1], /^output models was not written by this run/);
    assert.match(forgot.stderr + forgot.stdout, /models\/x\.pkl was not written by this run/);
  });

  it('counts a file stamped on a whole-second filesystem in the run’s first second as written by it', () => {
    const start = Date.parse('2026-11-24T17:00:00.700Z');
    assert.equal(writtenSince(Date.parse('2026-11-24T17:00:00.000Z'), start), true, 'one-second stamp');
    assert.equal(writtenSince(Date.parse('2026-11-24T16:59:59.000Z'), start), false);
    assert.equal(writtenSince(Date.parse('2026-11-24T17:00:00.650Z'), start), true, 'coarse-clock slack');
    assert.equal(writtenSince(Date.parse('2026-11-24T17:00:00.123Z'), start), false);
    assert.equal(writtenSince(Date.parse('2026-11-24T17:00:01.234Z'), start), true);
  });
});
