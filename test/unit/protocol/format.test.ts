import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatPercent,
  MISSING,
  shortSha,
} from '../../../src/shared/formatting';

describe('shared number formatting (every front prints a value the same way)', () => {
  it('prints integers exactly, grouped by thousands', () => {
    assert.equal(formatNumber(2_000_000), '2,000,000');
    assert.equal(formatNumber(12), '12');
    assert.equal(formatNumber(-1234), '-1,234');
    assert.equal(formatNumber(0), '0');
  });

  it('prints other values with 4 significant digits, grouped when large', () => {
    assert.equal(formatNumber(0.970588235), '0.9706');
    assert.equal(formatNumber(12345.678), '12,350');
    assert.equal(formatNumber(0.00012346), '0.0001235');
    assert.equal(formatNumber(0.123456789, 6), '0.123457');
  });

  it('uses a trimmed exponent below 1e-4 and at 1e9 and above', () => {
    assert.equal(formatNumber(5e-5), '5e-5');
    assert.equal(formatNumber(0.000012346), '1.235e-5');
    assert.equal(formatNumber(3.2e-30), '3.2e-30');
    assert.equal(formatNumber(2.5e12 + 0.5), '2.5e+12');
  });

  it('names missing and infinite values', () => {
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(undefined), '—');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '−∞');
  });

  it('prints shares as percentages with at most one decimal', () => {
    assert.equal(formatPercent(2 / 3), '66.7%');
    assert.equal(formatPercent(0.5), '50%');
  });
});

describe('shared duration formatting', () => {
  it('prints ms, seconds, minutes and hours', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(4200), '4.2s');
    assert.equal(formatDuration(12_340), '12.3s');
    assert.equal(formatDuration(185_000), '3m 05s');
    assert.equal(formatDuration(7_380_000), '2h 03m');
    assert.equal(formatDuration(3_722_750), '1h 02m');
  });

  it('prints days and hours from a day on (a long run, the spread of a date column)', () => {
    assert.equal(formatDuration(86_400_000), '1d 00h');
    assert.equal(formatDuration(105.7 * 86_400_000), '105d 16h');
    assert.equal(formatDuration(86_399_999), '23h 59m');
  });

  it('never shows time that has not passed yet (a running clock truncates)', () => {
    assert.equal(formatDuration(59_999), '59.9s');
    assert.equal(formatDuration(3_599_999), '59m 59s');
  });

  it('prints a dash for missing or impossible durations', () => {
    assert.equal(formatDuration(null), '—');
    assert.equal(formatDuration(-5), '—');
    assert.equal(formatDuration(Number.NaN), '—');
  });
});

describe('shared size and commit formatting', () => {
  it('prints sizes with binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3.25 * 1024 * 1024), '3.3 MiB');
    assert.equal(formatBytes(5 * 1024 ** 5), '5120.0 TiB');
  });

  it('prints the dash for a missing or impossible size', () => {
    assert.equal(formatBytes(null), MISSING);
    assert.equal(formatBytes(-1), MISSING);
    assert.equal(formatBytes(Number.NaN), MISSING);
  });

  it('shortens a commit to 7 characters, or prints the dash without one', () => {
    assert.equal(shortSha('0123456789abcdef0123456789abcdef01234567'), '0123456');
    assert.equal(shortSha(null), MISSING);
    assert.equal(shortSha(''), MISSING);
  });
});
