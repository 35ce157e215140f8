// The drift view's snapshot and protocol: built from a real report of the weather example, read from a
// real drift run folder, validated when it comes from the (untrusted) view.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { runDrift } from '../../../src/core/drift/engine';
import { defaultDriftOptions } from '../../../src/core/drift/rules';
import type { DriftReport } from '../../../src/core/drift/types';
import { buildDriftSnapshot } from '../../../src/features/drift/viewModel';
import {
  checkDriftReport,
  computeDriftReport,
  readRunDriftReport,
} from '../../../src/core/drift/reportSource';
import { parseDriftViewMessage } from '../../../src/protocol/drift';

const root = join(__dirname, '../../..');
const example = join(root, 'examples/weather-drift');
const tmp = mkdtempSync(join(tmpdir(), 'xlens-drift-view-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let report: DriftReport;
before(async () => {
  report = await runDrift({
    reference: join(example, 'data/weather-2012.csv'),
    current: join(example, 'data/weather-2015.csv'),
    referenceName: 'data/weather-2012.csv',
    currentName: 'data/weather-2015.csv',
    options: defaultDriftOptions(),
  });
});

describe('drift view snapshot', () => {
  it('lists drifted columns first with their scores, and keeps the verdict of the report', () => {
    const snapshot = buildDriftSnapshot(report, { kind: 'run', runId: 'r1', task: 'weather-drift' });
    assert.equal(snapshot.title, 'Drift · weather-drift · r1');
    assert.deepEqual(snapshot.dataset, report.dataset);
    const drifted = snapshot.columns.map((c) => c.drifted);
    assert.deepEqual(
      drifted,
      [...drifted].sort((a, b) => Number(b) - Number(a)),
    );
    assert.equal(drifted.filter(Boolean).length, report.dataset.drifted);
    for (const column of snapshot.columns) {
      const source = report.columns[column.index];
      assert.equal(column.name, source.name);
      assert.equal(column.score, source.scoreKind === 'p_value' ? source.pValue : source.distance);
      assert.ok(snapshot.charts.some((c) => c.id === `drift:column:${column.index}`));
    }
    // The strongest drift (smallest p-value relative to its threshold) leads.
    const firstDrifted = snapshot.columns.filter((c) => c.drifted);
    assert.deepEqual(
      firstDrifted.map((c) => c.strength),
      firstDrifted.map((c) => c.strength).sort((a, b) => a - b),
    );
    assert.equal(snapshot.charts[0].id, 'drift:summary');
    const weather = snapshot.columns.find((c) => c.name === 'weather')!;
    assert.equal(weather.summary.find((l) => l.label === 'most frequent')?.reference, 'rain (191)');
    const tempMax = snapshot.columns.find((c) => c.name === 'temp_max')!;
    assert.deepEqual(
      tempMax.summary.map((l) => l.label),
      ['values', 'missing', 'unique', 'mean', 'std', 'min', '25%', 'median', '75%', 'max'],
    );
  });

  it('holds aggregates only: no date of the data appears in it', () => {
    const text = JSON.stringify(buildDriftSnapshot(report, { kind: 'files', reference: 'a', current: 'b' }));
    assert.doesNotMatch(text, /201[25]-\d\d-\d\d/);
    assert.ok(text.length < 60_000, `${text.length} characters`);
  });
});

describe('drift report sources', () => {
  it('reads the report a drift run stored, and says what is wrong with a run without one', async () => {
    const runDir = join(tmp, 'run-ok');
    mkdirSync(join(runDir, 'artifacts'), { recursive: true });
    writeFileSync(join(runDir, 'artifacts/drift-report.json'), JSON.stringify(report));
    const read = await readRunDriftReport(runDir);
    assert.deepEqual(read.dataset, report.dataset);

    const empty = join(tmp, 'run-none');
    mkdirSync(empty);
    await assert.rejects(readRunDriftReport(empty), (e: Error) => {
      assert.ok(e instanceof UserInputError);
      assert.match(e.message, /This run has no drift report .*drift-report\.json does not exist/);
      return true;
    });
    const bad = join(tmp, 'run-bad');
    mkdirSync(join(bad, 'artifacts'), { recursive: true });
    writeFileSync(join(bad, 'artifacts/drift-report.json'), '{"schema": 2}');
    await assert.rejects(readRunDriftReport(bad), /not a drift report of this version \("schema" is 2/);
    assert.throws(() => checkDriftReport({ ...report, columns: [{}] }, 'x.json'), /column 1 lacks/);
  });

  it('compares two files in a child process (xlens drift), and passes its input errors on', async () => {
    const fresh = await computeDriftReport({
      reference: 'data/weather-2012.csv',
      current: 'data/weather-2015.csv',
      cwd: example,
    });
    assert.equal(fresh.inputs.reference.file, 'data/weather-2012.csv');
    assert.deepEqual(fresh.dataset, report.dataset);
    writeFileSync(join(tmp, 'ragged.csv'), 'a,b\n1,2\n3\n');
    await assert.rejects(
      computeDriftReport({ reference: 'ragged.csv', current: 'ragged.csv', cwd: tmp }),
      (e: Error) => {
        assert.ok(e instanceof UserInputError, String(e));
        assert.match(e.message, /^ragged\.csv:3: row has 1 fields but the header has 2/);
        return true;
      },
    );
  });

  it('stops the child when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      computeDriftReport({ reference: 'a.csv', current: 'b.csv', cwd: tmp, signal: controller.signal }),
      { name: 'CancelledError' },
    );
  });
});

/** The reason a message is refused (fails when it is accepted). */
function problem(value: unknown): string {
  const result = parseDriftViewMessage(value);
  assert.equal(typeof result, 'string', JSON.stringify(result));
  return result as string;
}

describe('drift view messages', () => {
  it('accepts the view messages and rejects anything else', () => {
    assert.deepEqual(parseDriftViewMessage({ type: 'webview/ready', payload: { version: 1 } }), {
      type: 'webview/ready',
      payload: { version: 1 },
    });
    assert.deepEqual(parseDriftViewMessage({ type: 'drift/rendered', payload: { charts: 6, ms: 120 } }), {
      type: 'drift/rendered',
      payload: { charts: 6, ms: 120 },
    });
    const long = parseDriftViewMessage({ type: 'webview/error', payload: { message: 'x'.repeat(5000) } });
    assert.equal(
      typeof long === 'object' && long.type === 'webview/error' && long.payload.message.length,
      2000,
    );
    assert.match(problem({ type: 'drift/rendered', payload: { charts: -1, ms: 1 } }), /needs numbers/);
    assert.match(problem({ type: 'drift/other', payload: {} }), /unknown message type/);
    assert.match(problem('x'), /not an object/);
    assert.match(problem({ type: 'webview/ready' }), /no object "payload"/);
  });
});
