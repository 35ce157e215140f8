/**
 * Names from the workspace reach the terminal inert: metric names, params and column names holding an
 * ESC sequence (clear screen) or OSC 52 (write the clipboard) are printed with their control
 * characters as visible escapes by `xlens run`, `runs`, `show` and `import` (issue "Nothing lost,
 * nothing escapes", item 3). The task's own output is the task's and stays as it wrote it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inertText } from '../../src/cli/terminalText';
import { makeRepo, writeFiles } from '../helpers/gitRepo';
import { main } from '../../src/cli/main';
import { xlens, xlensInProcess } from '../helpers/xlensProcess';

const CLEAR = '\u001b[2J';
const CLIPBOARD = '\u001b]52;c;aGFja2Vk\u0007';

const TASK = `
const fs = require('fs');
fs.appendFileSync(process.env.XLENS_METRICS_FILE,
  JSON.stringify({ step: 0, values: { ${JSON.stringify(`${CLEAR}loss`)}: 1, ${JSON.stringify(`acc${CLIPBOARD}`)}: 0.5 } }) + '\\n');
`;

function assertInert(text: string, what: string): void {
  assert.ok(!text.includes('\u001b'), `${what} holds a raw ESC: ${JSON.stringify(text.slice(0, 400))}`);
  assert.ok(!text.includes('\u0007'), `${what} holds a raw BEL`);
}

describe('names from the workspace in the terminal', () => {
  it('shows control characters as escapes', () => {
    assert.equal(inertText(`${CLEAR}loss`), '\\x1b[2Jloss');
    assert.equal(inertText('tab\there'), 'tab\\x09here');
    assert.equal(inertText('\u009b31m'), '\\x9b31m', 'the C1 control sequence introducer too');
    assert.equal(inertText('ünïcødé λ'), 'ünïcødé λ');
    // Bidirectional overrides, isolates and marks reorder what follows them on screen.
    assert.equal(inertText('abc\u202egnp.exe'), 'abc\\u202egnp.exe');
    assert.equal(inertText('\u2066x\u2069 \u200f\u061c'), '\\u2066x\\u2069 \\u200f\\u061c');
    assert.equal(inertText('שלום مرحبا'), 'שלום مرحبا', 'right-to-left text itself is kept');
  });

  it('run, runs and show print hostile metric and param names inert', async () => {
    const root = makeRepo({
      'xlens.yaml': `version: 1\ntasks:\n  train:\n    run: node task.js\n    params:\n      "${'\\e'}[2Jlr": 0.1\n`,
      'task.js': TASK,
    });
    const run = await xlens(root, ['run', 'train']);
    assert.equal(run.code, 0, run.stderr);
    assertInert(run.stdout + run.stderr, 'xlens run');
    const runs = await xlens(root, ['runs']);
    assert.equal(runs.code, 0, runs.stderr);
    assertInert(runs.stdout + runs.stderr, 'xlens runs');
    const show = await xlens(root, ['show', 'latest']);
    assert.equal(show.code, 0, show.stderr);
    assertInert(show.stdout + show.stderr, 'xlens show');
    assert.match(show.stdout, /\\x1b\[2Jloss/);
    assert.match(show.stdout, /acc\\x1b\]52;c;aGFja2Vk\\x07/);
    assert.match(show.stdout, /\\x1b\[2Jlr = 0\.1/);
    // CSV: byte for byte when redirected (a file or a pipe), inert on a terminal.
    const piped = await xlensInProcess(root, ['runs', '--csv']);
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(piped.stdout.includes(`${CLEAR}loss`), piped.stdout);
    let shown = '';
    const terminal = {
      isTTY: true,
      columns: 120,
      write: (chunk: string) => ((shown += String(chunk)), true),
    } as unknown as NodeJS.WritableStream & { isTTY: boolean };
    const code = await main(['runs', '--csv'], {
      cwd: root,
      stdout: terminal,
      stderr: terminal,
      env: process.env,
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, shown);
    assertInert(shown, 'xlens runs --csv on a terminal');
    assert.match(shown, /\\x1b\[2Jloss/);
  });

  it('import prints hostile column names of another tool’s log inert', async () => {
    const root = makeRepo({ 'xlens.yaml': 'version: 1\ntasks: {}\n' });
    writeFiles(root, { 'logs/training.log': `epoch,${CLEAR}loss,val${CLIPBOARD}\n0,1.0,0.5\n1,0.5,0.6\n` });
    const imported = await xlens(root, ['import', 'logs']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /\\x1b\[2Jloss/);
    assertInert(imported.stdout + imported.stderr, 'xlens import');
  });

  it('drift prints hostile column names and output paths inert', async () => {
    const rows = (shift: number): string =>
      Array.from({ length: 60 }, (_, i) => `${i + shift},${(i * 7) % 5}`).join('\n');
    const root = makeRepo({
      'ref.csv': `${CLEAR}x,c${CLIPBOARD}\n${rows(0)}\n`,
      'cur.csv': `${CLEAR}x,c${CLIPBOARD}\n${rows(40)}\n`,
    });
    const drift = await xlens(root, ['drift', 'ref.csv', 'cur.csv', '--html', `out${CLEAR}.html`]);
    assert.equal(drift.code, 0, drift.stderr);
    assertInert(drift.stdout + drift.stderr, 'xlens drift');
    assert.match(drift.stdout, /\\x1b\[2Jx/);
    assert.match(drift.stderr, /wrote .*out\\x1b\[2J\.html/);
  });
});
