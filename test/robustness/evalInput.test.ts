// Bad predictions files given to `xlens eval`: each gives exit 2 with the file, row (line) and column
// named and the fix, or a warning naming them when the evaluation can still be made.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/gitRepo';
import { xlens, xlensInProcess } from '../helpers/xlensProcess';

function file(name: string, text: string): { dir: string; name: string } {
  const dir = tempDir('xlens-eval-bad-');
  writeFileSync(join(dir, name), text);
  return { dir, name };
}

describe('xlens eval on bad predictions files', () => {
  it('refuses a missing label, naming file, row, line and column (real process)', async () => {
    const f = file('p.csv', 'y,pred,proba\n1,1,0.9\n0,,0.2\n1,1,0.7\n');
    const r = await xlens(f.dir, ['eval', f.name]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /p\.csv: row 2 \(line 3\), column "pred": missing value/);
    assert.match(r.stderr, /--drop-missing/);
    assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  });

  it('leaves rows with a missing value out with --drop-missing, and says how many', async () => {
    const f = file('p.csv', 'y,pred,proba\n1,1,0.9\n0,0,\n1,1,0.7\n0,1,0.6\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name, '--drop-missing', '--json', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: p\.csv: 1 rows with a missing value left out, the first at row 2 \(line 3\)/,
    );
    assert.equal(JSON.parse(r.stdout).evaluation.rows, 3);
  });

  it('refuses text labels that share no class with numeric predictions', async () => {
    const f = file('p.csv', 'y,pred\nyes,1\nno,0\nyes,0\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /p\.csv: the predicted labels in "pred" \(1, 0\) share no class with the true labels in "y" \(yes, no\)/,
    );
  });

  it('warns when text and numeric labels are compared as text', async () => {
    const f = file('p.jsonl', '{"y":"1","pred":1}\n{"y":"0","pred":0}\n{"y":"a","pred":1}\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: p\.jsonl: column "y" holds text labels but "pred" holds numbers/);
  });

  it('warns, naming the first row, when probabilities do not sum to 1, and leaves multiclass ROC AUC out', async () => {
    const f = file(
      'p.csv',
      'y,proba_a,proba_b,proba_c\na,0.7,0.2,0.1\nb,0.2,0.7,0.1\nc,0.5,0.5,0.5\na,0.6,0.3,0.1\nb,0.1,0.8,0.1\nc,0.1,0.1,0.8\n',
    );
    const r = await xlensInProcess(f.dir, ['eval', f.name, '--json', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /probabilities do not sum to 1 in 1 of 6 rows, the first at row 3 \(line 4\) \(sum 1\.5\)/,
    );
    const json = JSON.parse(r.stdout);
    assert.equal(json.evaluation.scores.rocAuc, null);
    assert.equal(typeof json.evaluation.scores.logLoss, 'number');
  });

  it('refuses a class without a probability column, naming the class and where it first occurs', async () => {
    const f = file('p.csv', 'y,proba_a,proba_b\na,0.7,0.3\nb,0.2,0.8\nc,0.5,0.5\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /p\.csv: class "c" \(first at row 3 \(line 4\)\) has no probability column; found "proba_a", "proba_b"/,
    );
  });

  it('refuses an unknown --pos-label, listing the classes', async () => {
    const f = file('p.csv', 'y,pred,score\nspam,spam,0.9\nham,ham,0.2\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name, '--pos-label', 'eggs']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /p\.csv: --pos-label eggs: no such class; the classes are ham, spam\./);
  });

  it('refuses a probability column holding text, and a named column that does not exist', async () => {
    const f = file('p.csv', 'y,pred,proba\n1,1,high\n0,0,low\n');
    const text = await xlensInProcess(f.dir, ['eval', f.name]);
    assert.equal(text.code, 2, text.stderr);
    assert.match(text.stderr, /probability column "proba" holds text \(e\.g\. "high"\), expected numbers/);
    const missing = await xlensInProcess(f.dir, ['eval', f.name, '--target', 'truth']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /p\.csv: no column "truth" \(--target\)\./);
  });

  it('refuses a file with no predictions at all', async () => {
    const f = file('p.csv', 'y,feature\n1,0.3\n0,0.1\n');
    const r = await xlensInProcess(f.dir, ['eval', f.name]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /p\.csv: no predictions found/);
  });
});
