/**
 * A W&B run written while `xlens run` follows it through a `wandb:` metric source (real CLI process):
 * every point W&B's own read-back holds arrives in the run's `metrics.jsonl` exactly once.
 *
 * - Always (no Python needed): the task appends the committed fixture's bytes (written by wandb 0.30)
 *   in uneven pieces that split chunk headers, records and 32 KiB blocks, and waits half-way until
 *   xlens has taken points, so reads happen while the file is incomplete.
 * - When a Python with `wandb` is at /work/venv-wandb (or `XLENS_WANDB_PYTHON`): the task is a real
 *   W&B training loop in offline mode, and the expected points are what W&B's protobuf classes read
 *   back from the file it wrote (`decode` of test/fixtures/wandb/generate.py). Otherwise that test
 *   says so and is skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../../src/core/runs/types';
import { makeRepo } from '../../helpers/gitRepo';
import { latestRun, xlens } from '../../helpers/xlensProcess';

const FIXTURES = resolve(__dirname, '../../fixtures/wandb');
const PYTHON = process.env.XLENS_WANDB_PYTHON ?? '/work/venv-wandb/bin/python';

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
interface Decoded {
  file: string;
  history: Record<string, JsonValue>[];
}

/** Appends a .wandb file's bytes in uneven pieces; waits (bounded) half-way until xlens took points. */
const APPENDER = `
const fs = require('fs');
const path = require('path');
const [src, folder] = process.argv.slice(2);
const bytes = fs.readFileSync(src);
const dir = path.join('wandb', folder);
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, path.basename(src));
const checked = path.join(process.env.XLENS_RUN_DIR, 'metrics.jsonl');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const sizes = [5, 997, 4099, 13, 32771, 3];
let at = 0;
let i = 0;
let waited = false;
while (at < bytes.length) {
  const n = sizes[i++ % sizes.length];
  fs.appendFileSync(file, bytes.subarray(at, at + n));
  at += n;
  if (!waited && at > bytes.length / 2) {
    waited = true;
    const end = Date.now() + 30000;
    const taken = () => fs.existsSync(checked) && fs.statSync(checked).size > 0;
    while (!taken() && Date.now() < end) sleep(20);
    console.log(taken() ? 'taken mid-way' : 'missed');
  }
  sleep(5);
}
`;

/** A real W&B training loop, offline, in the task's folder. */
const TRAIN = `
import math, wandb
run = wandb.init(project="xlens-live", name="live-run", config={"lr": 0.1, "model": {"width": 8}})
for i in range(300):
    run.log({"loss": 1.0 / (i + 1), "eval": {"acc": i / 300, "f1": (i % 17) / 17}, "bad": float("nan") if i == 42 else i * 0.5})
run.finish()
`;

/** `(name, step)` → values found in metrics.jsonl (a list, so a point taken twice shows). */
function taken(root: string, run: RunRecord): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  const text = readFileSync(join(root, '.xlens/runs', run.id, 'metrics.jsonl'), 'utf8');
  for (const line of text.split('\n').filter(Boolean)) {
    const { step, values } = JSON.parse(line) as { step: number; values: Record<string, number | null> };
    for (const [name, value] of Object.entries(values)) {
      const key = `${name}@${step}`;
      out.set(key, [...(out.get(key) ?? []), value]);
    }
  }
  return out;
}

/** Checks every history point of W&B's read-back against what the run recorded. */
function assertEveryPointOnce(root: string, run: RunRecord, decoded: Decoded): number {
  const got = taken(root, run);
  const warnings = run.warnings ?? [];
  let checked = 0;
  const expectedKeys = new Set<string>();
  for (const row of decoded.history) {
    const step = row._step as number;
    for (const [name, value] of Object.entries(row)) {
      if (name === '_step' || name === '_timestamp') {
        continue;
      }
      const key = `${name}@${step}`;
      if (typeof value === 'number') {
        expectedKeys.add(key);
        assert.deepEqual(got.get(key), [value], `${key}: taken once with W&B's value`);
        checked++;
      } else if (value === 'nan' || value === 'inf' || value === '-inf') {
        expectedKeys.add(key);
        // Non-finite: a null in metrics.jsonl (the protocol's way), or, while the runner still drops
        // non-finite points of file sources, one warning naming the metric and step; exactly once.
        const asNull = (got.get(key) ?? []).filter((v) => v === null).length;
        const warned = warnings.filter((w) => w.includes(`step ${step}:`) && w.includes(`"${name}"`)).length;
        assert.equal(asNull + warned, 1, `${key}: non-finite value recorded once`);
        checked++;
      }
    }
  }
  for (const key of got.keys()) {
    assert.ok(expectedKeys.has(key), `${key} was not in the W&B run`);
  }
  return checked;
}

describe('xlens run following a W&B run through a wandb: source (real CLI process)', () => {
  it('the committed fixture appended in pieces: every point arrives once; an older run is left out', async () => {
    const basic = JSON.parse(readFileSync(join(FIXTURES, 'basic/expected.json'), 'utf8')) as {
      folder: string;
      records: Decoded[];
    };
    const src = join(FIXTURES, 'basic/wandb', basic.folder, basic.records[0].file);
    const root = makeRepo({
      'append.js': APPENDER,
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  train:',
        `    run: node append.js ${JSON.stringify(src)} ${basic.folder}`,
        '    metrics:',
        '      - wandb: wandb/',
        '',
      ].join('\n'),
    });
    // An earlier W&B run in the same folder: its points must not reach this run.
    cpSync(join(FIXTURES, 'git/wandb'), join(root, 'wandb'), { recursive: true });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /taken mid-way/, 'xlens took points while the file was incomplete');
    const run = latestRun(root)!;
    assert.equal(run.status, 'succeeded');
    const checked = assertEveryPointOnce(root, run, basic.records[0]);
    assert.ok(checked >= 120 * 6, `${checked} points checked`);
    assert.equal(run.metrics['val/loss'], undefined, 'the earlier run was set aside');
  });

  it('a real wandb training loop (offline) followed live: every point W&B reads back arrives once', async (t) => {
    const has =
      existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import wandb'], { stdio: 'ignore' }).status === 0;
    if (!has) {
      t.skip(
        `no Python with wandb at ${PYTHON} (set XLENS_WANDB_PYTHON): the committed fixture test covers the reader`,
      );
      return;
    }
    const root = makeRepo({
      'train.py': TRAIN,
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  train:',
        `    run: ${PYTHON} train.py`,
        '    env: { WANDB_MODE: offline, WANDB_SILENT: "true" }',
        '    metrics:',
        '      - wandb: .',
        '',
      ].join('\n'),
    });
    const result = await xlens(root, ['run', 'train']);
    assert.equal(result.code, 0, result.stderr);
    const run = latestRun(root)!;
    assert.equal(run.status, 'succeeded', run.error);
    const folder = readdirSync(join(root, 'wandb')).find((n) => n.startsWith('offline-run-'))!;
    const file = readdirSync(join(root, 'wandb', folder)).find((n) => n.endsWith('.wandb'))!;
    const readBack = spawnSync(
      PYTHON,
      [
        '-c',
        'import sys, json, generate; print(json.dumps(generate.decode(__import__("pathlib").Path(sys.argv[1]))))',
        join(root, 'wandb', folder, file),
      ],
      { cwd: FIXTURES, encoding: 'utf8' },
    );
    assert.equal(readBack.status, 0, readBack.stderr);
    const decoded = JSON.parse(readBack.stdout) as Decoded;
    assert.equal(decoded.history.length, 300);
    const checked = assertEveryPointOnce(root, run, decoded);
    assert.ok(checked >= 300 * 5, `${checked} points checked`);
  });
});
