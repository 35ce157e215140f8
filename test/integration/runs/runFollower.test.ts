import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { metricsFileLine } from '../../../src/core/runs/metricsFile';
import { RunFollower, type RunChange } from '../../../src/core/runs/runFollower';
import { addLineToSummaries } from '../../../src/core/runs/summaries';
import type { MetricSummary } from '../../../src/core/runs/types';
import { dict } from '../../../src/shared/dict';

const base = mkdtempSync(join(tmpdir(), 'xlens-follow-'));
after(() => rmSync(base, { recursive: true, force: true }));

let count = 0;
function runDir(status: RunRecord['status'] = 'running'): string {
  const dir = join(base, `run-${++count}`);
  mkdirSync(dir);
  writeRecord(dir, status);
  return dir;
}

/** Writes run.json the way the store does: temp file, then rename. */
function writeRecord(dir: string, status: RunRecord['status'], extra: Partial<RunRecord> = {}): void {
  const record = {
    schema: 1,
    id: 'r1',
    task: 'train',
    kind: 'command',
    status,
    createdAt: new Date().toISOString(),
    command: 'python train.py',
    cwd: dir,
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params: {},
    data: [],
    metrics: {},
    artifacts: [],
    ...extra,
  };
  writeFileSync(join(dir, 'run.json.tmp'), JSON.stringify(record));
  renameSync(join(dir, 'run.json.tmp'), join(dir, 'run.json'));
}

function nextChange(
  follower: RunFollower,
  matches: (c: RunChange) => boolean,
  timeoutMs = 5000,
): Promise<RunChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('no matching change'));
    }, timeoutMs);
    const sub = follower.onDidChange((c) => {
      if (matches(c)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(c);
      }
    });
  });
}

describe('RunFollower', () => {
  it('reads what a run folder holds: record, series, log tail, bad lines with their line number', async () => {
    const dir = runDir('succeeded');
    writeFileSync(
      join(dir, 'metrics.jsonl'),
      [
        '{"step": 0, "values": {"loss": 1.0, "val_loss": 1.2}}',
        'not json',
        '{"step": 1, "values": {"loss": 0.5, "val_loss": 0.7}}',
        '{"step": -1, "values": {"loss": 0.1}}',
        '{"step": 2, "values": {"loss": 0.25}}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'output.log'), 'epoch 1\nepoch 2\nepoch 3');
    const follower = new RunFollower(dir);
    await follower.start();
    try {
      assert.equal(follower.record?.status, 'succeeded');
      assert.deepEqual(follower.series.get('loss'), [
        { step: 0, value: 1.0 },
        { step: 1, value: 0.5 },
        { step: 2, value: 0.25 },
      ]);
      assert.equal(follower.series.get('val_loss')?.length, 2);
      assert.equal(follower.lastStep, 2);
      assert.deepEqual(follower.log.lines, ['epoch 1', 'epoch 2', 'epoch 3']);
      assert.equal(follower.warnings.length, 2);
      assert.match(follower.warnings[0], /metrics\.jsonl:2: not valid JSON/);
      assert.match(follower.warnings[1], /metrics\.jsonl:4: "step" must be an integer >= 0/);
    } finally {
      follower.dispose();
    }
  });

  it('delivers a metric line written by another process, waiting for its newline', async () => {
    const dir = runDir('running');
    const follower = new RunFollower(dir);
    await follower.start();
    try {
      const file = join(dir, 'metrics.jsonl');
      // A real writer: a child process appending a partial line, then completing it 300 ms later.
      const script = `
        const fs = require('fs');
        fs.appendFileSync(${JSON.stringify(file)}, '{"step": 7, "values": {"lo');
        setTimeout(() => fs.appendFileSync(${JSON.stringify(file)}, 'ss": 0.42}}\\n'), 300);
      `;
      const seen = nextChange(follower, (c) => c.appended.has('loss'));
      spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      const change = await seen;
      assert.deepEqual(follower.series.get('loss'), [{ step: 7, value: 0.42 }]);
      assert.equal(change.appended.get('loss'), 1);
      assert.equal(follower.warnings.length, 0, 'the partial line was not reported as bad');
    } finally {
      follower.dispose();
    }
  });

  it('reports a new run.json, appended log lines, and a run folder deleted under its feet', async () => {
    const dir = runDir('running');
    const follower = new RunFollower(dir);
    await follower.start();
    try {
      const finished = nextChange(follower, (c) => c.record?.status === 'succeeded');
      writeRecord(dir, 'succeeded', { info: { backend: 'wasm' } });
      assert.equal((await finished).record?.info?.backend, 'wasm');

      const logged = nextChange(follower, (c) => c.logLines.length > 0);
      appendFileSync(join(dir, 'output.log'), 'done\n');
      assert.deepEqual((await logged).logLines, ['done']);

      const gone = nextChange(follower, (c) => c.missing);
      rmSync(dir, { recursive: true, force: true });
      await follower.refresh();
      assert.equal((await gone).missing, true);
      assert.equal(follower.missing, true);
      // What was read before stays available.
      assert.equal(follower.record?.status, 'succeeded');
    } finally {
      follower.dispose();
    }
  });

  it('keeps only the end of a long output.log', async () => {
    const dir = runDir('succeeded');
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
    writeFileSync(join(dir, 'output.log'), `${lines.join('\n')}\n`);
    const follower = new RunFollower(dir, { logLines: 200 });
    await follower.start();
    try {
      assert.equal(follower.log.lines.length, 200);
      assert.equal(follower.log.lines.at(-1), 'line 49999');
      assert.equal(follower.log.truncated, true);
    } finally {
      follower.dispose();
    }
  });

  it('tells every point of a large file in the turn it adds it, so a view sampling at any turn counts each once', async () => {
    const dir = runDir('succeeded');
    const steps = 60_000;
    const text: string[] = [];
    for (let step = 0; step < steps; step++) {
      text.push(metricsFileLine(step, 1764000000000 + step, { loss: 1 / (step + 1), acc: step / steps }, []));
    }
    writeFileSync(join(dir, 'metrics.jsonl'), text.join(''));
    const follower = new RunFollower(dir, { pollMs: 50, debounceMs: 5 });
    // What a view knows from the changes so far, and what it finds when it takes the series at any turn
    // of the event loop (a dashboard builds its snapshot in a message handler, then applies changes).
    let told = 0;
    let changes = 0;
    follower.onDidChange((c) => {
      changes++;
      told = (c.reset ? 0 : told) + (c.appended.get('loss') ?? 0);
    });
    let samples = 0;
    const mismatches: string[] = [];
    let reading = true;
    const sample = (): void => {
      if (!reading) {
        return;
      }
      samples++;
      const held = follower.series.get('loss')?.length ?? 0;
      if (held !== told) {
        mismatches.push(`${held} points held, ${told} told`);
      }
      setImmediate(sample);
    };
    setImmediate(sample);
    try {
      await follower.start();
      reading = false;
      assert.equal(follower.series.get('loss')?.length, steps);
      assert.equal(told, steps);
      assert.ok(changes >= 1);
      assert.ok(samples > 1, 'the view sampled while the file was read');
      assert.deepEqual(mismatches, []);
    } finally {
      reading = false;
      follower.dispose();
    }
  });

  it("keeps live summaries equal to the runner's over a large file with non-finite values, read in pieces", async () => {
    const dir = runDir('running');
    // Lines as the runner writes them (metricsFileLine), about 2.5 MB: the follower reads them in pieces.
    const lines: { step: number; values: Record<string, number>; nonFinite: string[] }[] = [];
    for (let step = 0; step < 24_000; step++) {
      const values = dict<number>();
      const nonFinite: string[] = [];
      values.loss = 1 / (step + 1) + (step % 7) * 1e-3;
      if (step % 997 === 5) {
        nonFinite.push('acc');
      } else {
        values.acc = Math.sin(step / 100);
      }
      if (step < 3) {
        nonFinite.push('__proto__');
      } else if (step % 3 === 0) {
        values.__proto__ = step;
      }
      lines.push({ step, values, nonFinite });
    }
    const text = (from: number, to: number) =>
      lines
        .slice(from, to)
        .map((l) => metricsFileLine(l.step, 1764000000000 + l.step, l.values, l.nonFinite))
        .join('');
    const expected = (upTo: number) => {
      const summaries = dict<MetricSummary>();
      for (const l of lines.slice(0, upTo)) {
        addLineToSummaries(summaries, l.step, l.values, l.nonFinite, new Map());
      }
      return summaries;
    };
    writeFileSync(join(dir, 'metrics.jsonl'), text(0, 20_000));
    const follower = new RunFollower(dir, { pollMs: 50, debounceMs: 5 });
    await follower.start();
    try {
      assert.deepEqual(follower.liveRecord?.metrics, expected(20_000));
      assert.deepEqual(
        [...follower.series].map(([name, points]) => [name, points.length]),
        [
          ['loss', 20_000],
          ['acc', 19_979],
          ['__proto__', 6_666],
        ],
      );
      const grown = nextChange(follower, (c) => c.appended.size > 0);
      appendFileSync(join(dir, 'metrics.jsonl'), text(20_000, 24_000));
      const change = await grown;
      assert.deepEqual(
        [...change.appended],
        [
          ['loss', 4_000],
          ['acc', 3_996],
          ['__proto__', 1_333],
        ],
      );
      assert.deepEqual(follower.liveRecord?.metrics, expected(24_000));
    } finally {
      follower.dispose();
    }
  });
});
