/**
 * `xlens run` in a real terminal: a pseudo-terminal from util-linux `script`, so stdout is a TTY
 * and keystrokes (Ctrl-C) go through the terminal's line discipline as a user's would.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import {
  cliEnv,
  cliSource,
  latestRun,
  metricLines,
  tsxLoader,
  waitFor,
  xlens,
} from '../../helpers/xlensProcess';

/** True when util-linux `script` can give a child a pseudo-terminal here. */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe(
  'xlens run in a terminal (a pty through util-linux script)',
  { skip: !hasScript() && 'util-linux `script` is not installed' },
  () => {
    it('keeps a progress line (step, latest metrics, elapsed) below the output, and Ctrl-C cancels', async () => {
      const root = makeRepo({
        'xlens.yaml': 'tasks:\n  train:\n    run: node ticks.js\n',
        'ticks.js': `
        const fs = require('fs');
        let step = 0;
        setInterval(() => {
          fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step, values: { loss: 1 / (step + 1) } }) + '\\n');
          console.log('tick ' + step++);
        }, 200);
      `,
      });
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      // `exec`: xlens itself leads the terminal's foreground group, as under an interactive shell.
      // Without it /bin/sh (dash) waits in the same group, also gets the SIGINT, and may die of it
      // (exit 130) after xlens has exited 1.
      const command =
        'exec ' + [process.execPath, '--import', tsxLoader, cliSource, 'run', 'train'].map(quote).join(' ');
      // -e: exit with the command's code; -f: flush as it comes. Keystrokes written to script's stdin
      // reach the pty, so \x03 is a real Ctrl-C: the terminal sends SIGINT to the foreground group.
      const child = spawn('script', ['-qefc', command, '/dev/null'], {
        cwd: root,
        env: { ...cliEnv(), TERM: 'xterm', COLUMNS: '100' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      const closed = new Promise<number | null>((done) => child.on('close', done));
      // Wait until the progress line has shown a few steps, then press Ctrl-C.
      await waitFor('the progress line to reach step 3', () => /step [3-9] · loss/.test(output));
      child.stdin.write('\x03');
      const code = await closed;
      child.stdin.end();

      assert.equal(code, 1, output);
      assert.match(
        output,
        // eslint-disable-next-line no-control-regex
        /\r\x1b\[2K\x1b\[2m⏱ \d+(\.\d)?m?s · step \d+ · loss [\d.]+\x1b\[0m/,
        'the progress line',
      );
      // eslint-disable-next-line no-control-regex
      assert.match(output, /\r\x1b\[2Ktick \d+\r?\n/, 'cleared before each output line');
      assert.match(output, /xlens: SIGINT: cancelling/);
      assert.match(output, /■ train cancelled in /);
      const record = latestRun(root)!;
      assert.equal(record.status, 'cancelled');
      const steps = metricLines(root, record.id).map((l) => l.step);
      assert.ok(steps.length >= 4, `${steps.length} points kept`);
      assert.deepEqual(steps, [...steps.keys()]);
      // The run's own log has the task output only, no terminal control characters.
      const log = readFileSync(join(root, '.xlens/runs', record.id, 'output.log'), 'utf8');
      assert.match(log, /^tick 0\ntick 1\n/);
      assert.ok(!log.includes('\x1b'));
    });

    it('prints no control characters when stdout is not a terminal', async () => {
      const root = makeRepo({
        'xlens.yaml': 'tasks:\n  t:\n    run: node write.js\n',
        'write.js': `for (let i = 0; i < 3; i++) {
          require('fs').appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: i, values: { loss: 1 / (i + 1) } }) + '\\n');
          console.log('epoch ' + i);
        }`,
      });
      const result = await xlens(root, ['run', 't']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /epoch 2\n/);
      assert.equal(latestRun(root)!.metrics.loss.count, 3);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\r\x1b]/.test(result.stdout + result.stderr), JSON.stringify(result.stdout));
    });
  },
);
