/**
 * Property tests (fast-check) of the fast paths of reading a run's metrics: the scanner of the usual
 * protocol line (`jsonlScan.ts`) against the general `JSON.parse` path on random lines that are near the
 * usual shape (NaN/Infinity tokens, `null`, overflowing numbers, escapes, odd spacing, missing or
 * repeated keys, `__proto__` and `constructor` names, text after the object), and the one-pass summary
 * of a series (`addPointsToSummary`) against the runner's point-by-point `addToSummary`. Either pair must
 * give the same result, message for message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseGeneralLine, parseMetricLine } from '../../src/core/metrics/jsonl';
import { scanMetricLine } from '../../src/core/metrics/jsonlScan';
import type { MetricPoint } from '../../src/core/metrics/series';
import { addPointsToSummary, addToSummary } from '../../src/core/runs/summaries';
import type { MetricSummary } from '../../src/core/runs/types';

/** Cases per property (`XLENS_FUZZ_RUNS` scales them, as in `parserFuzz.test.ts`). */
const SCALE = Number(process.env.XLENS_FUZZ_RUNS ?? 200) / 200;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** Mostly what the runner writes, sometimes a mutation: each line then often takes the fast path. */
function mostly<T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 12, arbitrary: usual }, { weight: 1, arbitrary: odd });
}

const space = mostly(fc.constant(''), fc.constantFrom(' ', '  ', '\t', '\r', '\n', '\u00a0'));

const name = fc.oneof(
  fc.constantFrom('loss', 'val/accuracy', '__proto__', 'constructor', 'toString', '0', '10', 'é', '😀', ''),
  fc.string({ maxLength: 6 }),
);

/** A name as written: JSON-quoted, or with an escape, or raw (quotes and backslashes unescaped). */
const writtenName = mostly(
  name.map((n) => JSON.stringify(n)),
  fc.oneof(
    name.map((n) => `"\\u0041${n.replace(/["\\]/g, '')}"`),
    name.map((n) => `"${n}"`),
  ),
);

const numberToken = mostly(
  fc.oneof(
    fc.double().map((d) => (Number.isNaN(d) ? 'NaN' : String(d))),
    fc.integer().map(String),
  ),
  fc.constantFrom(
    'null',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '-1e999',
    '-0',
    '0.5e-3',
    '1E+2',
    '"1"',
    '{}',
    '[]',
    'true',
    '1.',
    '01',
    '.5',
    '1e',
    '+1',
    '-',
    '2e308',
    '5e-324',
  ),
);

const stepToken = mostly(
  fc.nat().map(String),
  fc.constantFrom('-1', '1.5', '1.0', '9007199254740992', '1e2', '"3"', 'null', 'NaN', '-0', '1e400'),
);

const timeToken = mostly(
  fc.integer({ min: 946684800000, max: 4102444799999 }).map(String),
  fc.constantFrom('1764000000', '1764000000123456', '1.7640000001e12', '"t"', 'null', 'Infinity', '-5'),
);

/** One top-level member (key and value) as written, with spacing. */
const member = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.tuple(space, key, space, space, value, space).map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`);

const valuesObject = fc
  .array(member(writtenName, numberToken), { minLength: 0, maxLength: 5 })
  .chain((members) => fc.tuple(fc.constant(members), space))
  .map(([members, s]) => `{${members.join(',')}${members.length === 0 ? s : ''}}`);

/** A line near the usual shape: some of step, time, values (sometimes twice, or another key), shuffled. */
const line = fc
  .tuple(
    fc.option(member(fc.constant('"step"'), stepToken)),
    fc.option(member(fc.constant('"time"'), timeToken)),
    fc.option(member(fc.constant('"values"'), valuesObject), { freq: 8 }),
    mostly(
      fc.constant(null),
      member(fc.constantFrom('"step"', '"values"', '"extra"', '"__proto__"', '"st\\u0065p"'), numberToken),
    ),
    mostly(fc.constant(''), fc.constantFrom(' ', 'x', '}', ',', '\r')),
    space,
  )
  .chain(([step, time, values, extra, tail, lead]) =>
    fc
      .shuffledSubarray(
        [step, time, values, extra].filter((m): m is string => m !== null),
        {
          minLength: 0,
        },
      )
      .map((members) => `${lead}{${members.join(',')}}${tail}`),
  );

describe('the metrics line scanner', () => {
  it('reads every line to what the JSON.parse path reads, or leaves it to that path', () => {
    let scanned = 0;
    let total = 0;
    const known: string[] = [];
    fc.assert(
      fc.property(line, fc.nat(1000), (text, index) => {
        total++;
        if (scanMetricLine(text, known) !== undefined) {
          scanned++;
        }
        assert.deepStrictEqual(parseMetricLine(text, index, known), parseGeneralLine(text, index));
      }),
      { numRuns: runs(3000) },
    );
    // The generator reaches the fast path often enough for the comparison to mean something (about 1 in 8).
    assert.ok(total < 200 || scanned > total / 20, `only ${scanned} of ${total} lines took the fast path`);
  });

  it('reads every JSON number to the double JSON.parse reads', () => {
    const digits = (max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: max });
    const decimal = fc
      .tuple(
        fc.boolean(),
        digits(18),
        fc.option(digits(26)),
        fc.option(fc.tuple(fc.constantFrom('e', 'E', 'e-', 'e+'), digits(3))),
      )
      .map(([minus, int, fraction, exponent]) => {
        const whole = int[0] === 0 ? '0' : int.join('');
        return `${minus ? '-' : ''}${whole}${fraction ? `.${fraction.join('')}` : ''}${exponent ? exponent[0] + exponent[1].join('') : ''}`;
      });
    fc.assert(
      fc.property(
        fc.oneof(decimal, fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)),
        (token) => {
          const expected = JSON.parse(token) as number;
          const line = scanMetricLine(`{"values":{"v":${token}}}`);
          if (Number.isFinite(expected)) {
            assert.ok(line !== undefined, token);
            assert.ok(Object.is(line.values.v, expected), `${token}: ${line.values.v} ≠ ${expected}`);
          } else {
            assert.equal(line, undefined, token);
          }
        },
      ),
      { numRuns: runs(5000) },
    );
  });

  it("reads the runner's own lines without JSON.parse, names reused from line to line", () => {
    const known: string[] = [];
    const first = scanMetricLine(
      '{"step":0,"time":1764000000000,"values":{"loss":0.5,"__proto__":1}}',
      known,
    );
    const second = scanMetricLine(
      '{"step":1,"time":1764000000001,"values":{"loss":0.25,"__proto__":2}}',
      known,
    );
    assert.deepStrictEqual(Object.entries(second!.values), [
      ['loss', 0.25],
      ['__proto__', 2],
    ]);
    assert.equal(Object.keys(first!.values)[0], Object.keys(second!.values)[0]);
    assert.equal(Object.getPrototypeOf(second!.values), null);
  });
});

describe('the one-pass metric summary', () => {
  const points = fc.array(
    fc.record({ step: fc.nat(), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
    { maxLength: 30 },
  );
  const start = fc.option(
    fc.record({
      last: fc.double({ noNaN: true, noDefaultInfinity: true }),
      lastStep: fc.nat(),
      min: fc.double({ noNaN: true, noDefaultInfinity: true }),
      max: fc.double({ noNaN: true, noDefaultInfinity: true }),
      bestStep: fc.nat(),
      count: fc.nat(3),
      nonFinite: fc.option(fc.nat(5), { nil: undefined }),
    }),
    { nil: undefined },
  );

  it("equals adding the points one by one with the runner's addToSummary", () => {
    fc.assert(
      fc.property(
        start,
        fc.constantFrom('loss', 'val_accuracy', '__proto__'),
        points,
        fc.nat(5),
        (initial, metric, series: MetricPoint[], from) => {
          const summary: MetricSummary | undefined =
            initial === undefined
              ? undefined
              : initial.nonFinite === undefined
                ? (({ nonFinite: _n, ...rest }) => rest)(initial)
                : initial;
          let expected = summary;
          for (const p of series.slice(from)) {
            expected = addToSummary(expected, metric, p.step, p.value);
          }
          assert.deepStrictEqual(addPointsToSummary(summary, metric, series, from), expected);
        },
      ),
      { numRuns: runs(1000) },
    );
  });
});
