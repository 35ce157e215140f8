// The drift job as the runner starts it: a real child process with a task.json, writing the report,
// the metric line and info.json; drift found is exit 0, bad input exit 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveEntrypoint } from '../../../src/core/base/entrypoints';
import type { DriftTask } from '../../../src/core/config/types';
import type { DriftReport } from '../../../src/core/drift/types';

const root = join(__dirname, '../../..');
const workspace = mkdtempSync(join(tmpdir(), 'xlens-driftjob-'));
after(() => rmSync(workspace, { recursive: true, force: true }));
mkdirSync(join(workspace, 'data'));
for (const year of ['2012', '2015']) {
  writeFileSync(
    join(workspace, 'data', `weather-${year}.csv`),
    readFileSync(join(root, `examples/weather-drift/data/weather-${year}.csv`)),
  );
}

function task(extra: Partial<DriftTask>): DriftTask {
  return {
    kind: 'drift',
    name: 'weather-drift',
    params: {},
    paramFiles: [],
    data: [],
    metrics: [],
    outputs: [],
    env: {},
    reference: 'data/weather-2012.csv',
    current: 'data/weather-2015.csv',
    ...extra,
  };
}

async function runJob(
  name: string,
  config: DriftTask,
): Promise<{ code: number | null; stdout: string; stderr: string; runDir: string }> {
  const runDir = join(workspace, '.xlens', 'runs', name);
  mkdirSync(runDir, { recursive: true });
  const taskPath = join(runDir, 'task.json');
  writeFileSync(taskPath, JSON.stringify(config));
  const entry = resolveEntrypoint('driftJob');
  const child = spawn(process.execPath, [...entry.execArgv, entry.script, taskPath], {
    cwd: workspace,
    env: {
      ...process.env,
      XLENS_RUN_ID: name,
      XLENS_RUN_DIR: runDir,
      XLENS_METRICS_FILE: join(runDir, 'metrics.jsonl'),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, runDir };
}

describe('drift job', () => {
  it('writes the report, one metric line and info.json, and exits 0 although drift is found', async () => {
    const { code, stdout, stderr, runDir } = await runJob('ok', task({}));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /DATASET DRIFT DETECTED: 3 of 5 tested columns drifted/);
    const report = JSON.parse(
      readFileSync(join(runDir, 'artifacts', 'drift-report.json'), 'utf8'),
    ) as DriftReport;
    assert.equal(report.dataset.driftDetected, true);
    assert.equal(report.inputs.reference.file, 'data/weather-2012.csv');
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const metric = JSON.parse(lines[0]) as { step: number; time: number; values: Record<string, number> };
    assert.equal(metric.step, 0);
    assert.equal(metric.values['drift/share'], 0.6);
    assert.equal(metric.values['drift/drifted_columns'], 3);
    assert.equal(metric.values['drift/dataset_drift'], 1);
    assert.equal(
      metric.values['drift/temp_max'],
      report.columns.find((c) => c.name === 'temp_max')!.statistic,
    );
    const info = JSON.parse(readFileSync(join(runDir, 'info.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(info, { datasetDrift: true, driftedColumns: 3, testedColumns: 5, driftShare: 0.6 });
    const html = join(runDir, 'artifacts', 'drift-report.html');
    if (existsSync(join(root, 'dist', 'webviews', 'report.js'))) {
      assert.ok(existsSync(html), `HTML report written (stderr: ${stderr})`);
      assert.match(readFileSync(html, 'utf8'), /<!DOCTYPE html>/);
    } else {
      assert.match(stderr, /no HTML report written/);
    }
  });

  it('applies the task options', async () => {
    const { code, runDir } = await runJob(
      'options',
      task({ columns: ['wind', 'weather'], options: { method: 'psi', threshold: 0.5 } }),
    );
    assert.equal(code, 0);
    const report = JSON.parse(
      readFileSync(join(runDir, 'artifacts', 'drift-report.json'), 'utf8'),
    ) as DriftReport;
    assert.deepEqual(
      report.columns.map((c) => [c.name, c.method, c.drifted]),
      [
        ['wind', 'psi', false],
        ['weather', 'psi', true],
      ],
    );
  });

  it('exits 2 with a message naming the file for bad input', async () => {
    const missing = await runJob('missing', task({ current: 'data/weather-2016.csv' }));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /data\/weather-2016\.csv: file not found/);
    const option = await runJob('bad-option', task({ options: { method: 'nope' } }));
    assert.equal(option.code, 2);
    assert.match(option.stderr, /tasks\.weather-drift\.options\.method: unknown method "nope"/);
  });
});
