/**
 * Property tests (fast-check) of reading `metrics.jsonl` straight into columns (`jsonlColumns.ts`,
 * through `FollowedMetrics`, the run follower's metrics), against the general path line by line: every
 * complete line given to `parseGeneralLine` (`JSON.parse`) after the file tail's and the parser's `\r`
 * cuts, each accepted line's values appended to its names' series in the order `for...in` gives, its
 * summaries updated with the runner's `addLineToSummaries`, each bad line reported as
 * `<file>:<line>: <message>`. Random files of runner-like lines with the odd ones mixed in (names with
 * escapes, unicode, `__proto__`, digit names; numbers of every shape, 16–17 digits, -0, subnormals,
 * huge exponents, NaN/Infinity/null; steps out of order, repeated or absent; CRLF, blank and bad lines)
 * are appended in random cuts (inside a line, inside a UTF-8 character) and read after each cut, now
 * and then rewritten (a reset): after every read the series (names in order, steps and values bit for
 * bit), the points each read added, the summaries, the last step and the warnings are the same.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseGeneralLine } from '../../src/core/metrics/jsonl';
import { JsonlColumnScanner, MetricsBatch } from '../../src/core/metrics/jsonlColumns';
import { lastNumber, readNumber } from '../../src/core/metrics/jsonlScan';
import { FollowedMetrics } from '../../src/core/runs/followedMetrics';
import { addLineToSummaries } from '../../src/core/runs/summaries';
import type { MetricSummary } from '../../src/core/runs/types';
import { dict } from '../../src/shared/dict';

/** Cases per property (`XLENS_FUZZ_RUNS` scales them, as in `parserFuzz.test.ts`). */
const SCALE = Number(process.env.XLENS_FUZZ_RUNS ?? 200) / 200;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** Mostly what the runner writes, sometimes something else. */
function mostly<T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<T> {
  return fc.oneof({ weight, arbitrary: usual }, { weight: 1, arbitrary: odd });
}

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** A decimal of 16 or 17 significant digits with the dot anywhere (the runner's usual value). */
const longDecimal = fc
  .tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), digits(15, 16), fc.nat(18), fc.nat(3))
  .map(([minus, lead, rest, dot, zeros]) => {
    const all = `${lead}${rest}`;
    const at = Math.min(dot, all.length);
    const body = at === 0 ? `0.${'0'.repeat(zeros)}${all}` : `${all.slice(0, at)}.${all.slice(at)}`;
    return `${minus ? '-' : ''}${body.endsWith('.') ? body.slice(0, -1) : body}`;
  });

/** Integers around 2^53 with a dot anywhere: the edge of the exact fast path. */
const nearTwoTo53 = fc
  .tuple(fc.integer({ min: -3, max: 3 }), fc.nat(17), fc.boolean())
  .map(([delta, dot, minus]) => {
    const all = String(2 ** 53 + delta);
    const at = Math.min(dot, all.length - 1);
    return `${minus ? '-' : ''}${at === 0 ? all : `${all.slice(0, at)}.${all.slice(at)}`}`;
  });

/** A value token as a line may hold it. */
const valueToken = mostly(
  fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }).map((d) => JSON.stringify(d)) },
    { weight: 4, arbitrary: longDecimal },
    { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
    { weight: 1, arbitrary: nearTwoTo53 },
    { weight: 1, arbitrary: fc.integer().map(String) },
  ),
  fc.constantFrom(
    '-0',
    '-0.0',
    '0e0',
    '1e-320',
    '4.9e-324',
    '2e-324',
    '1.7976931348623157e308',
    '1.7976931348623159e308',
    '1e308',
    '1E+2',
    '1e999',
    '-1e999',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    '"1"',
    '01',
    '.5',
    '1.',
    '+1',
    '0.1000000000000000055511151231257827',
    '9007199254740993',
    '123456789012345678901234567890',
    'true',
    '[]',
  ),
);

const name = mostly(
  fc.constantFrom('loss', 'val_loss', 'accuracy', 'val_accuracy', 'lr'),
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', '0', '10', '1a', 'é', '😀', '', 'a b', 'val/acc'),
    fc.string({ maxLength: 5 }),
    fc.string({ maxLength: 3, unit: 'binary' }),
  ),
  6,
);

/** A name as written: JSON-quoted, or with an escape, or raw (quotes, backslashes, controls unescaped). */
const writtenName = mostly(
  name.map((n) => JSON.stringify(n)),
  fc.oneof(
    name.map((n) => `"\\u0041${n.replace(/["\\]/g, '')}"`),
    name.map((n) => `"${n}\\"x"`),
    name.map((n) => `"${n}"`),
  ),
);

const space = mostly(fc.constant(''), fc.constantFrom(' ', '\t', '\r', ' \r ', '\u00a0'), 12);

const member = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.tuple(space, key, space, space, value, space).map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`);

const valuesObject = fc
  .array(member(writtenName, valueToken), { minLength: 0, maxLength: 6 })
  .map((members) => `{${members.join(',')}}`);

const stepToken = mostly(
  fc.nat(60).map(String),
  fc.constantFrom('-1', '1.5', '2.0', '-0', '1e2', '9007199254740992', '9007199254740991', '"3"', 'null'),
);

const timeToken = mostly(
  fc.integer({ min: 1_764_000_000_000, max: 1_764_100_000_000 }).map(String),
  fc.constantFrom('1764000000', '1.7640000001e12', '946684800000', '4102444800000', '"t"', 'null', '-0'),
);

/** A line near the runner's shape: step, time and values, sometimes missing, repeated, another key. */
const metricLine = fc
  .tuple(
    fc.option(member(fc.constant('"step"'), stepToken), { freq: 10 }),
    fc.option(member(fc.constant('"time"'), timeToken), { freq: 6 }),
    fc.option(member(fc.constant('"values"'), valuesObject), { freq: 20 }),
    mostly(
      fc.constant(null),
      member(fc.constantFrom('"step"', '"values"', '"extra"', '"__proto__"', '"st\\u0065p"'), valueToken),
      20,
    ),
    mostly(fc.constant(''), fc.constantFrom(' ', 'x', '}', ',', '\t')),
    space,
  )
  .chain(([step, time, values, extra, tail, lead]) =>
    mostly(
      fc.constant([step, time, values, extra].filter((m): m is string => m !== null)),
      fc.shuffledSubarray([step, time, values, extra].filter((m): m is string => m !== null)),
      6,
    ).map((members) => `${lead}{${members.join(',')}}${tail}`),
  );

/** A line of a file: mostly a metric line, sometimes blank, junk or a cut line. */
const fileLine = mostly(
  metricLine,
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '\t',
      '\u00a0',
      '\ufeff',
      'not json',
      '[1,2]',
      '"x"',
      '{}',
      '{"values":{}}',
      '{',
    ),
    fc.tuple(metricLine, fc.nat()).map(([l, cut]) => l.slice(0, cut % (l.length + 1))),
    fc.string({ maxLength: 8 }),
  ),
  10,
);

/** Lines joined by `\n` or `\r\n` (or `\r\r\n`), with or without a last newline. */
const fileText = fc
  .tuple(
    fc.array(fc.tuple(fileLine, fc.constantFrom('\n', '\n', '\n', '\r\n', '\r\r\n')), { maxLength: 25 }),
    fc.boolean(),
  )
  .map(([lines, lastNewline]) => {
    const text = lines.map(([l, end]) => l + end).join('');
    return lastNewline || lines.length === 0 ? text : text.slice(0, text.lastIndexOf('\n'));
  });

/** The general path: what a follower held reading `complete` lines one by one. */
interface Model {
  series: Map<string, { steps: number[]; values: number[] }>;
  summaries: Record<string, MetricSummary>;
  lastStep: number | null;
  warnings: string[];
}

function generalModel(file: string, text: string): Model {
  const model: Model = { series: new Map(), summaries: dict(), lastStep: null, warnings: [] };
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.length === 0 ? [] : complete.slice(0, -1).split('\n');
  let nonBlank = 0;
  lines.forEach((raw, k) => {
    // The tail cut one `\r`, the parser one more.
    const tailed = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const line = tailed.endsWith('\r') ? tailed.slice(0, -1) : tailed;
    const parsed = parseGeneralLine(line, nonBlank);
    if (parsed === undefined) {
      return;
    }
    nonBlank++;
    if (typeof parsed === 'string') {
      model.warnings.push(`${file}:${k + 1}: ${parsed}`);
      return;
    }
    for (const metric in parsed.values) {
      let series = model.series.get(metric);
      if (!series) {
        series = { steps: [], values: [] };
        model.series.set(metric, series);
      }
      series.steps.push(parsed.step);
      series.values.push(parsed.values[metric]);
    }
    addLineToSummaries(
      model.summaries,
      parsed.step,
      parsed.values,
      Object.keys(parsed.nonFinite ?? {}),
      new Map(),
    );
    model.lastStep = model.lastStep === null || parsed.step > model.lastStep ? parsed.step : model.lastStep;
  });
  return model;
}

/** The same bits (so -0 ≠ 0, and NaN = NaN). */
function sameNumbers(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} ≠ ${expected[i]}`);
  }
}

function assertSame(metrics: FollowedMetrics, model: Model, warnings: string[], context: string): void {
  assert.deepStrictEqual([...metrics.series.keys()], [...model.series.keys()], `names, ${context}`);
  for (const [metric, expected] of model.series) {
    const columns = metrics.series.get(metric)!;
    sameNumbers(columns.steps.subarray(0, columns.length), expected.steps, `steps of ${metric}, ${context}`);
    sameNumbers(
      columns.values.subarray(0, columns.length),
      expected.values,
      `values of ${metric}, ${context}`,
    );
  }
  assert.deepStrictEqual(metrics.summaries, model.summaries, `summaries, ${context}`);
  assert.deepStrictEqual(Object.keys(metrics.summaries), Object.keys(model.summaries), context);
  assert.ok(Object.is(metrics.lastStep, model.lastStep), `last step, ${context}`);
  assert.deepStrictEqual(warnings, model.warnings, `warnings, ${context}`);
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('metrics.jsonl read straight into columns', () => {
  it('gives the series, summaries and warnings of the general path, after every read of a growing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-column-scan-'));
    dirs.push(dir);
    let fast = 0;
    let lines = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fileText,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.option(fileText, { freq: 4 }),
        async (text, cuts, rewrite) => {
          const file = join(dir, `metrics-${n++}.jsonl`);
          const bytes = Buffer.from(text);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const metrics = new FollowedMetrics(file);
          const warnings: string[] = [];
          let before = new Map<string, number>();
          let written = 0;
          const check = async (content: Buffer, expectReset: boolean, context: string): Promise<void> => {
            const appended = new Map<string, number>();
            const fresh: string[] = [];
            const reset = await metrics.read(appended, (m) => fresh.push(m));
            assert.equal(reset, expectReset, context);
            if (reset) {
              // The model starts again with the file; the follower keeps its older warnings.
              warnings.length = 0;
              before = new Map();
            }
            warnings.push(...fresh);
            const model = generalModel(file, content.toString('utf8'));
            assertSame(metrics, model, warnings, context);
            const added = new Map(
              [...model.series]
                .map(([m, s]): [string, number] => [m, s.steps.length - (before.get(m) ?? 0)])
                .filter(([, count]) => count > 0),
            );
            assert.deepStrictEqual(appended, added, `appended, ${context}`);
            before = new Map([...model.series].map(([m, s]) => [m, s.steps.length]));
          };
          writeFileSync(file, '');
          for (const cut of [...at, bytes.length]) {
            appendFileSync(file, bytes.subarray(written, cut));
            written = cut;
            await check(bytes.subarray(0, cut), false, `after ${cut} of ${bytes.length} bytes`);
          }
          if (rewrite !== null) {
            writeFileSync(`${file}.new`, rewrite);
            renameSync(`${file}.new`, file);
            // A file replaced after a complete line was read is read again from its start.
            await check(Buffer.from(rewrite), bytes.includes(0x0a), 'after the file was replaced');
          }
          const scanner = new JsonlColumnScanner(file);
          const batch = new MetricsBatch();
          const complete = text.slice(0, text.lastIndexOf('\n'));
          if (text.includes('\n')) {
            scanner.scan(complete, 1, batch);
            fast += [...batch.series.values()].reduce((sum, s) => sum + s.length, 0);
            lines += complete.split('\n').length;
          }
        },
      ),
      { numRuns: runs(300) },
    );
    // Most lines took the fast path, so the comparison is about it.
    assert.ok(
      lines < 100 || fast > lines / 2,
      `only ${fast} points from ${lines} lines through the fast path`,
    );
  });

  it('gives the same columns whatever pieces the lines come in', () => {
    fc.assert(
      fc.property(fileText, fc.array(fc.nat(), { maxLength: 5 }), (text, cuts) => {
        const all = text.slice(0, text.lastIndexOf('\n'));
        if (!text.includes('\n')) {
          return;
        }
        const lines = all.split('\n');
        const whole = new MetricsBatch();
        new JsonlColumnScanner('f').scan(all, 1, whole);
        const pieces = new MetricsBatch();
        const scanner = new JsonlColumnScanner('f');
        const at = [...new Set(cuts.map((c) => 1 + (c % lines.length)))].sort((a, b) => a - b);
        let from = 0;
        for (const to of [...at.filter((a) => a < lines.length), lines.length]) {
          scanner.scan(lines.slice(from, to).join('\n'), from + 1, pieces);
          from = to;
        }
        assert.deepStrictEqual(
          [...pieces.series].map(([m, s]) => [
            m,
            [...s.steps.subarray(0, s.length)],
            [...s.values.subarray(0, s.length)],
          ]),
          [...whole.series].map(([m, s]) => [
            m,
            [...s.steps.subarray(0, s.length)],
            [...s.values.subarray(0, s.length)],
          ]),
        );
        assert.deepStrictEqual(pieces.warnings, whole.warnings);
        assert.deepStrictEqual(pieces.nonFiniteLines, whole.nonFiniteLines);
      }),
      { numRuns: runs(500) },
    );
  });

  it('reads every number of the runner and every JSON number to the double JSON.parse reads', () => {
    const exponent = fc.tuple(fc.constantFrom('e', 'E', 'e-', 'e+'), digits(1, 3)).map(([e, d]) => e + d);
    const any = fc
      .tuple(fc.boolean(), digits(1, 19), fc.option(digits(1, 26)), fc.option(exponent))
      .map(([minus, int, fraction, e]) => {
        const whole = int.replace(/^0+(?=.)/, '');
        return `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${e ?? ''}`;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          longDecimal,
          nearTwoTo53,
          any,
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
        ),
        (token) => {
          const expected = JSON.parse(token) as number;
          const end = readNumber(`${token},`, 0);
          if (Number.isFinite(expected)) {
            assert.equal(end, token.length, token);
            assert.ok(Object.is(lastNumber(), expected), `${token}: ${lastNumber()} ≠ ${expected}`);
          } else {
            assert.equal(end, -1, token);
          }
        },
      ),
      { numRuns: runs(20000) },
    );
  });
});
