/**
 * `xlens runs --filter/--sort/--columns`, `xlens compare` and `xlens diff` on real runs whose params
 * differ in type (a number, the same number as text, text that is no number) or hold line breaks, as
 * params files written by hand or by other tools (MLflow keeps every param as text) give them.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../helpers/gitRepo';
import { runIds, xlens } from '../helpers/xlensProcess';

describe('runs whose params differ in type', () => {
  let root: string;
  let ids: string[];
  before(async () => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e "0"\n    params: params.json\n',
      '.gitignore': '.xlens/\n',
    });
    const params = [
      { lr: 0.3, epochs: 3, note: 'plain', seed: 7 },
      { lr: '0.05', epochs: '3', note: 'line one\nline two' },
      { lr: 'abc', epochs: 3, note: 'plain' },
    ];
    for (const p of params) {
      writeFileSync(join(root, 'params.json'), JSON.stringify(p));
      const result = await xlens(root, ['run', 't']);
      assert.equal(result.code, 0, result.stderr);
    }
    ids = runIds(root);
    assert.equal(ids.length, 3);
  });

  it('a number held as text compares as a number, and text that is no number is never ordered', async () => {
    const above = await xlens(root, ['runs', '--filter', 'params.lr > 0.1', '--columns', 'id']);
    assert.equal(above.code, 0, above.stderr);
    assert.deepEqual(above.stdout.trim().split('\n').slice(1), [ids[0]], 'only lr=0.3 is above 0.1');
    const below = await xlens(root, ['runs', '--filter', 'params.lr < 0.1', '--columns', 'id']);
    assert.deepEqual(below.stdout.trim().split('\n').slice(1), [ids[1]], 'the text "0.05" is below 0.1');
    const sorted = await xlens(root, ['runs', '--sort', 'params.lr', '--columns', 'id,params.lr']);
    assert.equal(sorted.code, 0, sorted.stderr);
    assert.deepEqual(
      sorted.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
      [ids[1], ids[0], ids[2]],
      '"0.05" before 0.3, the text "abc" after the numbers',
    );
  });

  it('a param value with a line break stays on its row in every table', async () => {
    const table = await xlens(root, ['runs', '--columns', 'id,params.note']);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stdout.trim().split('\n').length, 4, table.stdout);
    assert.match(table.stdout, /line one\\nline two/);
    const compared = await xlens(root, ['compare', ...ids]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /^note\s+plain\s+line one\\nline two\s+plain$/m);
    const diff = await xlens(root, ['diff', ids[0], ids[1]]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^ {2}~ note: plain → "line one\\nline two"$/m);
  });

  it('xlens diff and compare show a change of type that prints alike (3 → "3") with quotes', async () => {
    const diff = await xlens(root, ['diff', ids[0], ids[1]]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^ {2}~ epochs: 3 → "3"$/m);
    const compared = await xlens(root, ['compare', ...ids]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /^epochs\s+3\s+"3"\s+3$/m);
  });

  it('a param or metric name no run has is refused with exit 2 and the closest name', async () => {
    for (const args of [
      ['--columns', 'id,params.lrr'],
      ['--filter', 'params.lrr > 1'],
      ['--sort', 'metrics.nope'],
    ]) {
      const result = await xlens(root, ['runs', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    // A param of an older run than --limit shows is still a name of the store.
    const older = await xlens(root, ['runs', '--columns', 'id,params.seed', '--limit', '1']);
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stdout, new RegExp(`^${ids[2]}\\s+—$`, 'm'));
    const typo = await xlens(root, ['runs', '--columns', 'id,params.lrr']);
    assert.match(
      typo.stderr,
      /^xlens runs: --columns: no run has a param "lrr" \(did you mean "params\.lr"\?/,
    );
  });

  it('a table or CSV cut by --limit says how many runs it left out', async () => {
    const table = await xlens(root, ['runs', '--columns', 'id', '--limit', '2']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stderr, /2 of 3 runs shown; --limit 3 shows them all/);
    const csv = await xlens(root, ['runs', '--csv', '--columns', 'id', '--limit', '2']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.trim().split('\n').length, 3, 'a header and two runs');
    assert.match(csv.stderr, /2 of 3 runs shown; --limit 3 shows them all/);
    const all = await xlens(root, ['runs', '--columns', 'id']);
    assert.equal(all.stderr, '', 'nothing is said when every run is shown');
  });

  it('a CSV export without --limit holds every run; the table shows the newest 20', async () => {
    // 24 more runs: copies of a real run folder under new ids (the store lists folders by id).
    const many = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e "0"\n',
      '.gitignore': '.xlens/\n',
    });
    const first = await xlens(many, ['run', 't']);
    assert.equal(first.code, 0, first.stderr);
    const [id] = runIds(many);
    const runs = join(many, '.xlens', 'runs');
    const record = JSON.parse(readFileSync(join(runs, id, 'run.json'), 'utf8')) as { id: string };
    for (let k = 1; k <= 24; k++) {
      const copy = `${id.slice(0, -8)}${k.toString(16).padStart(8, '0')}`;
      cpSync(join(runs, id), join(runs, copy), { recursive: true });
      writeFileSync(join(runs, copy, 'run.json'), JSON.stringify({ ...record, id: copy }));
    }
    const csv = await xlens(many, ['runs', '--csv', '--columns', 'id']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.trim().split('\n').length, 26, 'a header and all 25 runs');
    assert.equal(csv.stderr, '');
    const table = await xlens(many, ['runs', '--columns', 'id']);
    assert.equal(table.stdout.trim().split('\n').length, 21, 'a header and 20 runs');
    assert.match(table.stderr, /20 of 25 runs shown; --limit 25 shows them all/);
  });

  it('a filter of thousands of terms runs, and one nested too deep is refused with exit 2', async () => {
    const long = Array.from({ length: 5000 }, () => 'params.epochs == 3').join(' and ');
    const kept = await xlens(root, ['runs', '--filter', long, '--columns', 'id']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.deepEqual(kept.stdout.trim().split('\n').slice(1), [ids[2], ids[1], ids[0]]);
    const either = Array.from({ length: 5000 }, (_, i) => `params.lr == ${i}`).join(' or ');
    const none = await xlens(root, ['runs', '--filter', either, '--columns', 'id']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /No run matches the filter/);
    for (const deep of [`${'not '.repeat(5000)}params.lr > 0`, `${'('.repeat(5000)}x${')'.repeat(5000)}`]) {
      const result = await xlens(root, ['runs', '--filter', deep]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--filter: column \d+: more than 100 nested "not" or "\(" here/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a status, dirty value or duration that can never match is refused; dirty takes yes/no as shown', async () => {
    const cases: [string, RegExp][] = [
      [
        'duration > 5x',
        /--filter: column 12: "5x" is not a duration \(write milliseconds or a duration such as 90s/,
      ],
      ['status == runing', /--filter: column 11: "runing" is no run status \(did you mean "running"\?\)/],
      ['dirty == maybe', /--filter: column 10: "maybe" is not a value of dirty \(write true or false/],
    ];
    for (const [filter, message] of cases) {
      const result = await xlens(root, ['runs', '--filter', filter]);
      assert.equal(result.code, 2, `${filter}: ${result.stdout}`);
      assert.match(result.stderr, message);
    }
    // params.json is untracked in every run, so each run was dirty; the table shows that as "yes".
    const dirty = await xlens(root, ['runs', '--filter', 'dirty == yes', '--columns', 'id,dirty']);
    assert.equal(dirty.code, 0, dirty.stderr);
    assert.equal(dirty.stdout.trim().split('\n').length, 4, dirty.stdout);
    const running = await xlens(root, [
      'runs',
      '--filter',
      'status ~ succ and duration < 1h',
      '--columns',
      'id',
    ]);
    assert.equal(running.stdout.trim().split('\n').length, 4, running.stdout);
  });
});
