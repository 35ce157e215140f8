// Drift options from xlens.yaml (`kind: drift` task options) and from `xlens drift` flags.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { loadProject } from '../../../src/core/config/load';
import { applyDriftFlags, parseDriftOptions } from '../../../src/core/drift/options';
import { defaultDriftOptions } from '../../../src/core/drift/rules';

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserInputError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe('task options (xlens.yaml)', () => {
  it('defaults to Evidently thresholds: dataset drift share 0.5, small samples up to 1000 rows', () => {
    assert.deepEqual(parseDriftOptions(undefined, undefined), defaultDriftOptions());
    assert.equal(defaultDriftOptions().driftShare, 0.5);
    assert.equal(defaultDriftOptions().smallSampleRows, 1000);
  });

  it('reads global and per-column settings', () => {
    const options = parseDriftOptions(
      {
        method: 'psi',
        threshold: 0.2,
        drift_share: 0.3,
        max_rows: 5000,
        seed: 7,
        small_sample_rows: 500,
        per_column: { temp: { method: 'ks', threshold: 0.01 }, zip: { type: 'categorical' } },
      },
      ['temp', 'zip'],
    );
    assert.deepEqual(
      { ...options, perColumn: { ...options.perColumn } },
      {
        columns: ['temp', 'zip'],
        method: 'psi',
        threshold: 0.2,
        driftShare: 0.3,
        smallSampleRows: 500,
        maxRows: 5000,
        seed: 7,
        perColumn: { temp: { method: 'ks', threshold: 0.01 }, zip: { type: 'categorical' } },
      },
    );
  });

  it('names the field and the fix for bad values', () => {
    const where = 'tasks.weather-drift.options';
    rejects(
      () => parseDriftOptions({ method: 'kolmogorov' }, undefined, where),
      /tasks\.weather-drift\.options\.method: unknown method "kolmogorov"; use one of ks, chisquare/,
    );
    rejects(
      () => parseDriftOptions({ drift_share: 2 }, undefined, where),
      /options\.drift_share: expected a number from 0 to 1, got 2/,
    );
    rejects(
      () => parseDriftOptions({ threshold: 0 }, undefined, where),
      /options\.threshold: a threshold of 0/,
    );
    rejects(
      () => parseDriftOptions({ per_column: { a: { methd: 'ks' } } }, undefined, where),
      /per_column\.a\.methd: unknown option; allowed: method, threshold, type/,
    );
    rejects(
      () => parseDriftOptions({ per_column: { a: { type: 'number' } } }, undefined, where),
      /per_column\.a\.type: unknown type "number"/,
    );
    rejects(() => parseDriftOptions({ sample: 3 }, undefined, where), /options\.sample: unknown option/);
  });
});

describe('CLI flags', () => {
  it('override options globally (bare value) or per column (col=value)', () => {
    const base = parseDriftOptions({ per_column: { a: { threshold: 0.3 } } }, undefined);
    const options = applyDriftFlags(base, {
      columns: 'a, b,c',
      method: ['jensenshannon', 'a=psi'],
      threshold: ['0.2', 'b=0.01'],
      type: ['c=categorical'],
      driftShare: '0.25',
      maxRows: '1000',
      seed: '9',
    });
    assert.deepEqual(options.columns, ['a', 'b', 'c']);
    assert.equal(options.method, 'jensenshannon');
    assert.equal(options.threshold, 0.2);
    assert.deepEqual(
      { ...options.perColumn },
      {
        a: { threshold: 0.3, method: 'psi' },
        b: { threshold: 0.01 },
        c: { type: 'categorical' },
      },
    );
    assert.equal(options.driftShare, 0.25);
    assert.equal(options.maxRows, 1000);
    assert.equal(options.seed, 9);
    assert.deepEqual({ ...base.perColumn }, { a: { threshold: 0.3 } }, 'the base options are not changed');
  });

  it('reads --columns as a name list: a quoted name may hold a comma or a quote', () => {
    const options = applyDriftFlags(defaultDriftOptions(), {
      columns: `"income, usd",'it\\'s',age, it's`,
    });
    assert.deepEqual(options.columns, ['income, usd', "it's", 'age', "it's"]);
  });

  it('rejects bad flags with the flag name', () => {
    const base = defaultDriftOptions();
    rejects(
      () => applyDriftFlags(base, { method: ['col=t-test'] }),
      /--method col=: unknown method "t-test"/,
    );
    rejects(() => applyDriftFlags(base, { threshold: ['abc'] }), /--threshold: expected a number/);
    rejects(() => applyDriftFlags(base, { type: ['categorical'] }), /--type: expected column=type/);
    rejects(() => applyDriftFlags(base, { columns: ' , ' }), /--columns: an empty name in " , "; separate/);
    rejects(
      () => applyDriftFlags(base, { columns: 'a,"b' }),
      /--columns: column 3: the quote " is not closed/,
    );
    rejects(() => applyDriftFlags(base, { maxRows: '1.5' }), /--max-rows: expected a whole number/);
  });
});

describe('the weather example', () => {
  it('declares drift tasks that load and whose options parse', async () => {
    const result = await loadProject(join(__dirname, '../../../examples/weather-drift'));
    assert.deepEqual(result.errors, []);
    const tasks = [...result.config!.tasks.values()];
    assert.deepEqual(
      tasks.map((t) => t.kind),
      ['drift', 'drift', 'drift'],
    );
    const psi = tasks.find((t) => t.name === 'weather-drift-psi');
    assert.ok(psi && psi.kind === 'drift');
    const options = parseDriftOptions(psi.options, psi.columns);
    assert.equal(options.method, 'psi');
    assert.deepEqual(options.perColumn.temp_max, { threshold: 0.1 });
  });
});
