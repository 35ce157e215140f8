/**
 * Checks against hostile input: metric names that are prototype keys or carry terminal escapes (OSC 52
 * writes the clipboard, CSI clears the screen), values and thresholds at the edge of a double, a
 * baseline that overflows, a check longer than the limit, and many checks at once. Nothing escapes to
 * the terminal, names stay data, and every check gets a result with a reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/runs/types';
import { makeRepo } from '../helpers/gitRepo';
import { latestRun, xlens } from '../helpers/xlensProcess';

const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CLEAR = '\u001b[2J';

/** A task writing the metrics of `values` (name → value) at step 0, read from a JSON file. */
function repo(values: Record<string, number>, checks: string[], baseline?: string): string {
  return makeRepo({
    'xlens.yaml': [
      'version: 1',
      'tasks:',
      '  t:',
      '    run: node task.js',
      `    checks: [${checks.map((c) => JSON.stringify(c)).join(', ')}]`,
      ...(baseline ? [`    baseline: ${baseline}`] : []),
      '',
    ].join('\n'),
    'values.json': JSON.stringify(values),
    'task.js': `
const fs = require('fs');
const values = JSON.parse(fs.readFileSync('values.json', 'utf8'));
fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: 0, values }) + '\\n');
`,
    '.gitignore': '.xlens/\n',
  });
}

function noEscapes(text: string, what: string): void {
  assert.ok(!text.includes('\u001b'), `${what} sent ESC to the terminal: ${JSON.stringify(text)}`);
  assert.ok(!text.includes('\u0007'), `${what} sent BEL to the terminal`);
}

describe('checks with hostile names and numbers', () => {
  it('keeps prototype keys and escape sequences in metric names as data, never as terminal codes', async () => {
    const values: Record<string, number> = JSON.parse(
      JSON.stringify({ ['__proto__']: 0.5, constructor: 2, [`auc${OSC52}`]: 0.9, [`f1${CLEAR}`]: 0.1 }),
    ) as Record<string, number>;
    const root = repo(values, [
      '__proto__ == 0.5',
      'constructor > 1',
      'toString > 0',
      `"auc${OSC52}" >= 0.8`,
      `'f1${CLEAR}' >= 0.8`,
    ]);
    const result = await xlens(root, ['run', 't']);
    assert.equal(result.code, 3, result.stderr);
    noEscapes(result.stdout + result.stderr, 'xlens run');
    const record = latestRun(root)!;
    assert.deepEqual(
      record.checks!.map((c) => [c.metric, c.value, c.passed]),
      [
        ['__proto__', 0.5, true],
        ['constructor', 2, true],
        ['toString', null, false],
        [`auc${OSC52}`, 0.9, true],
        [`f1${CLEAR}`, 0.1, false],
      ],
    );
    assert.match(record.checks![2].reason!, /metric toString not recorded by this run/);
    for (const args of [['show', record.id], ['runs']]) {
      const out = await xlens(root, args);
      assert.equal(out.code, 0, out.stderr);
      noEscapes(out.stdout + out.stderr, `xlens ${args[0]}`);
    }
    const shown = await xlens(root, ['show', record.id]);
    assert.match(shown.stdout, /✔ "auc\\x1b\]52;c;cm0gLXJmIH4=\\x07" >= 0\.8 \(0\.9\)/);
  });

  it('compares values at the edge of a double, and fails an overflowing baseline threshold with a reason', async () => {
    const root = repo(
      { big: 1.7e308, tiny: 5e-324, neg: -1.7e308 },
      [
        'big >= 1e308',
        'tiny > 0',
        'neg < -1e308',
        'big <= baseline * 10',
        'tiny >= baseline * 0.5', // 5e-324 * 0.5 underflows to 0
      ],
      'latest',
    );
    const first = await xlens(root, ['run', 't']);
    assert.equal(first.code, 3);
    const second = await xlens(root, ['run', 't']);
    assert.equal(second.code, 3, second.stdout);
    const record = latestRun(root)!;
    assert.deepEqual(
      record.checks!.map((c) => c.passed),
      [true, true, true, false, true],
    );
    assert.match(record.checks![3].reason!, /the threshold from the baseline \(1\.7e\+308\) is not finite/);
    assert.equal(record.checks![3].threshold, null);
  });

  it('refuses an overlong check and out-of-range numbers before running; takes many checks at once', async () => {
    const long = repo({ x: 1 }, [`x >= ${'1'.repeat(400)}`, `${'x'.repeat(1001)} >= 1`]);
    const refused = await xlens(long, ['run', 't']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /beyond the range of a double/);
    assert.match(refused.stderr, /the check is 1006 characters long; the longest accepted is 1000/);
    assert.equal(latestRun(long), undefined);

    const checks = Array.from({ length: 300 }, (_, i) => `m${i % 7} >= ${i / 300}`);
    const values = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`m${i}`, i / 7]));
    const many = repo(values, checks);
    const result = await xlens(many, ['run', 't', '--quiet']);
    const record: RunRecord = latestRun(many)!;
    assert.equal(record.checks!.length, 300);
    const expected = checks.map((_, i) => (i % 7) / 7 >= i / 300);
    assert.deepEqual(
      record.checks!.map((c) => c.passed),
      expected,
    );
    assert.equal(result.code, expected.every(Boolean) ? 0 : 3);
  });
});
