import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunStore } from '../../../src/core/runs/store';
import { isFinalStatus, type RunRecord } from '../../../src/core/runs/types';
import {
  cancelRun,
  isProcessAlive,
  isRunOf,
  launchRun,
  readLaunchLog,
  removeLaunchLog,
  type LaunchedProcess,
} from '../../../src/core/runner/launcher';
import { makeRepo, tempDir } from '../../helpers/gitRepo';

const home = tempDir('xlens-home-');
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = join(home, '.config');
process.env.GIT_CONFIG_NOSYSTEM = '1';

/** A script that prints steps and writes metric lines, `n` steps `delay` ms apart. */
const COUNT_JS = `
const fs = require('fs');
const [n, delay] = process.argv.slice(2).map(Number);
let i = 0;
const tick = () => {
  console.log('step ' + i);
  fs.appendFileSync(process.env.XLENS_METRICS_FILE, JSON.stringify({ step: i, values: { loss: 1 / (i + 1) } }) + '\\n');
  if (++i < n) setTimeout(tick, delay);
};
tick();
`;

const XLENS_YAML = `version: 1
tasks:
  count:
    run: node count.js \${params.n} \${params.delay}
    params: { n: 3, delay: 50 }
`;

/** Polls the store until `launched` created its run and `done(run)` holds. */
async function waitFor(
  store: RunStore,
  launched: LaunchedProcess,
  done: (run: RunRecord) => boolean,
  timeoutMs = 60_000,
): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await store.list()).runs.find((r) => isRunOf(r, launched));
    if (run && done(run)) {
      return run;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out; last seen: ${JSON.stringify(run)}; launch log: ${await readLaunchLog(launched)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Awaits `promise` while keeping the event loop alive: the detached child is unref'd on purpose. */
async function held<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 50);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

describe('detached runs through the xlens CLI (real processes)', () => {
  it('starts a run in its own process group that records its supervisor pid, params and output', async () => {
    const root = makeRepo({ 'xlens.yaml': XLENS_YAML, 'count.js': COUNT_JS });
    const launched = launchRun({ root, task: 'count', overrides: { n: 4 } });
    const pgid = Number(
      execFileSync('ps', ['-o', 'pgid=', '-p', String(launched.pid)], { encoding: 'utf8' }).trim(),
    );
    assert.equal(pgid, launched.pid, 'the supervisor leads its own process group, apart from the editor');

    const store = new RunStore(root);
    const run = await waitFor(store, launched, (r) => isFinalStatus(r.status));
    assert.equal(run.status, 'succeeded');
    assert.equal(run.supervisorPid, launched.pid);
    assert.equal(run.params.n, 4, '--set n=4 is recorded as a number param');
    assert.equal(run.metrics.loss?.count, 4);
    assert.match(readFileSync(join(store.runDir(run.id), 'output.log'), 'utf8'), /step 0\n[^]*step 3\n/);
    assert.deepEqual(await held(launched.exited), { code: 0, signal: null });
    await removeLaunchLog(launched);
  });

  it('keeps the run going when the process that started it dies (a window reload, a crash)', async () => {
    const root = makeRepo({ 'xlens.yaml': XLENS_YAML, 'count.js': COUNT_JS });
    // A stand-in for the extension host: starts the run, prints the supervisor pid, then is SIGKILLed.
    const host = `
      const { launchRun } = require(${JSON.stringify(join(__dirname, '../../../src/core/runner/launcher.ts'))});
      const launched = launchRun({ root: ${JSON.stringify(root)}, task: 'count', overrides: { n: 8, delay: 150 } });
      process.stdout.write(String(launched.pid), () => process.kill(process.pid, 'SIGKILL'));
    `;
    const pid = Number(
      await held(
        new Promise<string>((resolve, reject) => {
          const out: Buffer[] = [];
          const child = spawn(process.execPath, ['--import', 'tsx', '-e', host], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          child.stdout.on('data', (d: Buffer) => out.push(d));
          child.on('exit', (code, signal) =>
            signal === 'SIGKILL'
              ? resolve(Buffer.concat(out).toString())
              : reject(new Error(`the stand-in host exited with ${code ?? signal}`)),
          );
        }),
      ),
    );
    assert.ok(pid > 0);
    const store = new RunStore(root);
    const run = await waitFor(store, { pid } as LaunchedProcess, (r) => isFinalStatus(r.status));
    assert.equal(run.status, 'succeeded', 'the run finished although its starter was killed');
    assert.equal(run.metrics.loss?.count, 8, 'every metric line was recorded');
  });

  it('cancels a running run with SIGTERM to its supervisor, which records it as cancelled', async () => {
    const root = makeRepo({ 'xlens.yaml': XLENS_YAML, 'count.js': COUNT_JS });
    const launched = launchRun({ root, task: 'count', overrides: { n: 1000, delay: 100 } });
    const store = new RunStore(root);
    const running = await waitFor(store, launched, (r) => r.status === 'running' && (r.pid ?? 0) > 0);
    assert.equal(cancelRun(running), true);
    const run = await waitFor(store, launched, (r) => isFinalStatus(r.status));
    assert.equal(run.status, 'cancelled');
    await held(launched.exited);
    assert.equal(isProcessAlive(launched.pid), false);
    assert.equal(isProcessAlive(running.pid!), false, 'the task process went with it');
    assert.equal(cancelRun(run), false, 'a finished run has no supervisor to signal');
  });

  it('reports why the CLI refused to start (exit code 2, message in the launch log)', async () => {
    const root = makeRepo({ 'xlens.yaml': XLENS_YAML, 'count.js': COUNT_JS });
    const launched = launchRun({ root, task: 'cuont' });
    assert.deepEqual(await held(launched.exited), { code: 2, signal: null });
    assert.match(
      await readLaunchLog(launched),
      /cuont[^]*count/,
      'names the unknown task and suggests the right one',
    );
    assert.deepEqual(await new RunStore(root).ids(), [], 'no run is created');
    await removeLaunchLog(launched);
  });
});
