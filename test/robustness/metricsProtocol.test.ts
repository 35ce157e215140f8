/**
 * The metrics protocol never changes a value silently and never floods the user: steps beyond 2^53
 * (where doubles merge neighbouring integers) and `time` values that are not plausible Unix
 * milliseconds (seconds, nanoseconds, year 1970 or 3000) are refused with their line number and the
 * unit; text quoted from a bad line is cut at about 200 characters in stderr and run.json (issue
 * "Nothing lost, nothing escapes", item 16).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JsonlMetricsParser, MAX_QUOTED_CHARS, parseMetricLine } from '../../src/core/metrics/jsonl';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { latestRun, metricLines, runIds, xlens } from '../helpers/xlensProcess';

describe('metrics protocol values', () => {
  it('refuses steps beyond 2^53 - 1 with their line number, keeping 2^53 - 1 itself', () => {
    const parser = new JsonlMetricsParser('metrics.jsonl');
    const { lines, warnings } = parser.push(
      [
        '{"step": 9007199254740991, "values": {"loss": 1}}',
        '{"step": 9007199254740992, "values": {"loss": 2}}',
        '{"step": 9007199254740993, "values": {"loss": 3}}',
        '{"step": 1e300, "values": {"loss": 4}}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      lines.map((l) => [l.step, l.line]),
      [[Number.MAX_SAFE_INTEGER, 1]],
    );
    assert.deepEqual(
      warnings.map((w) => w.line),
      [2, 3, 4],
    );
    for (const w of warnings) {
      assert.match(w.message, /beyond 2\^53 - 1 \(9007199254740991\).*line skipped/);
    }
  });

  it('refuses times that are not Unix milliseconds, naming the unit they look like', () => {
    const cases: [number, RegExp][] = [
      [1764000000, /looks like Unix seconds: write 1764000000000/],
      [1764000000123456, /looks like Unix microseconds: write 1764000000123/],
      [1764000000123456800, /looks like Unix nanoseconds/],
      [0, /between 2000-01-01 and 2100-01-01/],
      [-5, /between 2000-01-01 and 2100-01-01/],
      [32503680000000, /got 32503680000000/],
    ];
    for (const [time, why] of cases) {
      const result = parseMetricLine(JSON.stringify({ step: 1, time, values: { loss: 1 } }), 0);
      assert.equal(typeof result, 'string', `time ${time} is refused`);
      assert.match(result as string, /"time" must be Unix milliseconds/);
      assert.match(result as string, why);
      assert.match(result as string, /line skipped$/);
    }
    const good = parseMetricLine('{"step": 1, "time": 1764000000123, "values": {"loss": 1}}', 0);
    assert.ok(typeof good === 'object');
    // `values` is a null-prototype dictionary (names from data): compare its entries.
    assert.deepEqual(
      { ...good, values: { ...good.values } },
      { step: 1, time: 1764000000123, values: { loss: 1 } },
    );
  });

  it('quotes at most about 200 characters of a bad line, whatever its size', () => {
    const huge = 'x'.repeat(1_000_000);
    const lines = [
      `{"step": 1, "values": {"loss": "${huge}"}}`,
      `{"step": 1, "values": {"${huge}": "bad"}}`,
      `{"step": "${huge}", "values": {"loss": 1}}`,
      `{"step": 1, "values": {"loss": 1}} ${huge}`,
      `${huge}`,
      `{"step": 1, "values": {"${huge}": NaN, "ok": 1}}`,
    ];
    const parser = new JsonlMetricsParser('metrics.jsonl');
    const { warnings } = parser.push(`${lines.join('\n')}\n`);
    assert.equal(warnings.length, lines.length);
    for (const w of warnings) {
      assert.ok(w.message.length < MAX_QUOTED_CHARS * 3, `warning of ${w.message.length} characters`);
    }
  });

  it('a task writing a 1 MB bad line gets a short warning in stderr and run.json; its good lines stay', async () => {
    const root = tempDir('xlens-metrics-');
    writeFiles(root, {
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: sh write.sh\n',
      'write.sh':
        'big=$(head -c 1000000 /dev/zero | tr "\\0" x)\n' +
        'printf \'{"step": 1, "values": {"loss": "%s"}}\\n\' "$big" >> "$XLENS_METRICS_FILE"\n' +
        'printf \'{"step": 2, "values": {"loss": 0.5}}\\n\' >> "$XLENS_METRICS_FILE"\n' +
        'printf \'{"step": 9007199254740993, "values": {"loss": 0.25}}\\n\' >> "$XLENS_METRICS_FILE"\n',
    });
    const result = await xlens(root, ['run', 't']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.length < 2000, `stderr holds ${result.stderr.length} characters`);
    assert.match(
      result.stderr,
      /jsonl:1: value of "loss" must be a finite number, got "x{100,}… \(1000002 characters\)/,
    );
    assert.match(result.stderr, /:3: "step" 9007199254740992 is beyond 2\^53 - 1/);
    const record = latestRun(root)!;
    const stored = readFileSync(join(root, '.xlens/runs', record.id, 'run.json'), 'utf8');
    assert.ok(stored.length < 20_000, `run.json holds ${stored.length} characters`);
    assert.equal(record.warnings?.length, 2);
    assert.deepEqual(
      metricLines(root, runIds(root)[0]).map((l) => [l.step, l.values.loss]),
      [[2, 0.5]],
    );
  });
});
