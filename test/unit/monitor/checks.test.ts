// Checks over a monitor's windows: the windows failing each check, and the sentence naming them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowChecks } from '../../../src/core/monitor/checks';
import type { MonitorWindowResult } from '../../../src/core/monitor/types';
import { dictFrom } from '../../../src/shared/dict';

function windows(
  labels: string[],
  values: (number | undefined)[],
  metric = 'monitor/f1_macro',
): MonitorWindowResult[] {
  return labels.map((label, index) => ({
    index,
    label,
    start: '',
    end: '',
    rows: 10,
    metrics: dictFrom(values[index] === undefined ? [] : [[metric, values[index]]]),
    drift: null,
    failedChecks: [],
    warnings: [],
    notes: [],
  }));
}

const months = ['2015-01', '2015-02', '2015-03', '2015-04', '2015-05'];

describe('windowChecks', () => {
  it('says "from" for a failure lasting to the last window', () => {
    const w = windows(months, [0.9, 0.85, 0.7, 0.75, 0.6]);
    const { checks } = windowChecks(['monitor/f1_macro >= 0.80'], w);
    assert.deepEqual(checks[0].failedWindows, [2, 3, 4]);
    assert.equal(checks[0].sentence, 'F1 (macro) fell below 0.8 from 2015-03');
    assert.deepEqual(w[2].failedChecks, ['monitor/f1_macro >= 0.80']);
    assert.deepEqual(w[0].failedChecks, []);
  });

  it('names closed stretches and single windows, and rises above for upper bounds', () => {
    const w = windows(months, [0.1, 0.4, 0.5, 0.2, 0.45], 'monitor/drift_share');
    const { checks } = windowChecks(['monitor/drift_share <= 0.3'], w);
    assert.equal(
      checks[0].sentence,
      'Drifted-column share rose above 0.3 from 2015-02 to 2015-03 and in 2015-05',
    );
  });

  it('passes windows without the metric, and has no sentence when nothing fails', () => {
    const w = windows(months, [0.9, undefined, 0.95, 0.9, 0.9]);
    const { checks } = windowChecks(['monitor/f1_macro >= 0.8', 'other >= 1'], w);
    assert.deepEqual(checks[0].failedWindows, []);
    assert.equal(checks[0].sentence, undefined);
    assert.equal(checks[1].sentence, undefined);
  });

  it('leaves checks against the baseline to the end of the run', () => {
    const { checks, deferred } = windowChecks(
      ['monitor/f1_macro >= baseline - 0.01'],
      windows(months, [1, 1, 1, 1, 1]),
    );
    assert.deepEqual(checks, []);
    assert.deepEqual(deferred, ['monitor/f1_macro >= baseline - 0.01']);
  });

  it('refuses a check that does not parse', () => {
    assert.throws(() => windowChecks(['monitor/f1_macro >='], windows(months, [1, 1, 1, 1, 1])), /expected/i);
  });
});
