// Time windows of the monitor: calendar months across year ends, weeks, days and hours in UTC, windows
// of N rows in time order, empty windows kept, and bad windows refused naming the fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../../src/core/base/errors';
import { cutWindows, MAX_WINDOWS, parseWindow } from '../../../src/core/monitor/windows';

const ms = (iso: string): number => Date.parse(iso);
const times = (...iso: string[]): Float64Array => Float64Array.from(iso, ms);

describe('parseWindow', () => {
  it('reads calendar units and row counts', () => {
    assert.deepEqual(parseWindow('1mo'), { kind: 'calendar', count: 1, unit: 'mo', text: '1mo' });
    assert.deepEqual(parseWindow('3mo'), { kind: 'calendar', count: 3, unit: 'mo', text: '3mo' });
    assert.deepEqual(parseWindow('7d'), { kind: 'calendar', count: 7, unit: 'd', text: '7d' });
    assert.deepEqual(parseWindow(' 1y '), { kind: 'calendar', count: 1, unit: 'y', text: '1y' });
    assert.deepEqual(parseWindow('500'), { kind: 'rows', count: 500, text: '500' });
    assert.deepEqual(parseWindow(250), { kind: 'rows', count: 250, text: '250' });
    assert.deepEqual(parseWindow('100 rows'), { kind: 'rows', count: 100, text: '100 rows' });
  });

  for (const bad of ['', 'month', '1m', '0mo', '-3', '1.5mo', 'mo', '2 weeks', '1e3']) {
    it(`refuses ${JSON.stringify(bad)} naming the setting and the accepted forms`, () => {
      assert.throws(
        () => parseWindow(bad, '--window'),
        (e: unknown) =>
          e instanceof UserInputError &&
          e.message.startsWith(`--window ${JSON.stringify(bad)}: not a window`) &&
          /1mo \(calendar months\).*500 \(rows\)/.test(e.message),
      );
    });
  }
});

describe('cutWindows: calendar', () => {
  it('cuts months across a year end, in UTC, whatever the order of the rows', () => {
    const t = times(
      '2015-01-31T23:59:59Z',
      '2014-11-15',
      '2014-12-01T00:00:00Z',
      '2014-11-30T23:59:59.999Z',
      '2015-01-01',
    );
    const windows = cutWindows(t, parseWindow('1mo'));
    assert.deepEqual(
      windows.map((w) => [w.label, [...w.rows]]),
      [
        ['2014-11', [1, 3]],
        ['2014-12', [2]],
        ['2015-01', [4, 0]],
      ],
    );
    assert.equal(windows[1].start, ms('2014-12-01T00:00:00Z'));
    assert.equal(windows[1].end, ms('2015-01-01T00:00:00Z'));
    assert.deepEqual(
      windows.map((w) => w.index),
      [0, 1, 2],
    );
  });

  it('keeps empty months between the first and last row (a gap is a finding)', () => {
    const windows = cutWindows(times('2013-01-10', '2013-04-02'), parseWindow('1mo'));
    assert.deepEqual(
      windows.map((w) => [w.label, w.rows.length]),
      [
        ['2013-01', 1],
        ['2013-02', 0],
        ['2013-03', 0],
        ['2013-04', 1],
      ],
    );
  });

  it('cuts quarters from the first month of the earliest row, and years', () => {
    const t = times('2013-02-01', '2013-04-30', '2013-05-01', '2014-01-15');
    assert.deepEqual(
      cutWindows(t, parseWindow('3mo')).map((w) => [w.label, w.rows.length]),
      [
        ['2013-02', 2],
        ['2013-05', 1],
        ['2013-08', 0],
        ['2013-11', 1],
      ],
    );
    assert.deepEqual(
      cutWindows(t, parseWindow('1y')).map((w) => [w.label, w.rows.length]),
      [
        ['2013', 3],
        ['2014', 1],
      ],
    );
  });

  it('cuts days, weeks and hours from the start of the earliest unit', () => {
    const t = times('2015-03-01T10:30:00Z', '2015-03-01T23:00:00Z', '2015-03-08T00:00:00Z');
    assert.deepEqual(
      cutWindows(t, parseWindow('1w')).map((w) => [w.label, w.rows.length]),
      [
        ['2015-03-01', 2],
        ['2015-03-08', 1],
      ],
    );
    assert.equal(cutWindows(t, parseWindow('1d')).length, 8);
    const hours = cutWindows(times('2015-03-01T10:30:00Z', '2015-03-01T12:00:00Z'), parseWindow('1h'));
    assert.deepEqual(
      hours.map((w) => [w.label, w.rows.length]),
      [
        ['2015-03-01T10:00Z', 1],
        ['2015-03-01T11:00Z', 0],
        ['2015-03-01T12:00Z', 1],
      ],
    );
  });

  it('leaves out rows without a time', () => {
    const t = Float64Array.from([ms('2013-01-02'), NaN, ms('2013-01-03')]);
    assert.deepEqual([...cutWindows(t, parseWindow('1mo'))[0].rows], [0, 2]);
  });

  it('refuses data without any time, and windows beyond the limit', () => {
    assert.throws(() => cutWindows(Float64Array.from([NaN]), parseWindow('1mo')), /no row has a time/);
    assert.throws(
      () => cutWindows(times('2000-01-01', '2015-01-01'), parseWindow('1h')),
      (e: unknown) => e instanceof UserInputError && e.message.includes(`more than ${MAX_WINDOWS} windows`),
    );
  });

  it('puts every row with a time in exactly one window, in time order, windows contiguous (property)', () => {
    const day = 86_400_000;
    const start = ms('2012-06-01');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * 365 * day }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom('1mo', '2mo', '1y', '1w', '10d'),
        (offsets, w) => {
          const t = Float64Array.from(offsets, (o) => start + o);
          const windows = cutWindows(t, parseWindow(w));
          const seen = windows.flatMap((x) => [...x.rows]);
          assert.deepEqual(
            [...seen].sort((a, b) => a - b),
            offsets.map((_, i) => i),
          );
          for (const x of windows) {
            for (const r of x.rows) {
              assert.ok(t[r] >= x.start && t[r] < x.end);
            }
          }
          for (let i = 1; i < windows.length; i++) {
            assert.equal(windows[i].start, windows[i - 1].end);
          }
        },
      ),
    );
  });
});

describe('cutWindows: rows', () => {
  it('cuts N rows at a time in time order, the last window holding the rest', () => {
    const t = times('2013-01-05', '2013-01-01', '2013-01-03', '2013-01-02', '2013-01-04');
    const windows = cutWindows(t, parseWindow('2'));
    assert.deepEqual(
      windows.map((w) => [w.label, [...w.rows]]),
      [
        ['rows 1–2', [1, 3]],
        ['rows 3–4', [2, 4]],
        ['row 5', [0]],
      ],
    );
    assert.equal(windows[0].start, ms('2013-01-01'));
    assert.equal(windows[0].end, ms('2013-01-02'));
  });

  it('keeps file order between equal times', () => {
    const t = times('2013-01-01', '2013-01-01', '2013-01-01');
    assert.deepEqual([...cutWindows(t, parseWindow('3'))[0].rows], [0, 1, 2]);
  });
});
