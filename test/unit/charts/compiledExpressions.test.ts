/**
 * The webviews' compiled vega expressions give what vega-interpreter (the reference the charts used
 * before) gives, on expressions as vega's own parser reads them, for each entry point vega calls.
 */
import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import { describe, it } from 'node:test';
import { parseExpression } from 'vega-expression';
import { expressionInterpreter } from 'vega-interpreter';
import { compiledExpressions } from '../../../webviews/shared/compiledExpressions';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vega's untyped parse context
type Any = any;

/** A parse context with two view functions, as vega's `ctx.functions` carries its expression functions. */
function context(): Any {
  const functions: Record<string, unknown> = {
    context: { tag: 'ctx' },
    scale(name: string, value: number) {
      return `${name}:${value * 2}`;
    },
    tagOf(this: { context: { tag: string } }) {
      return this.context.tag;
    },
  };
  return { functions };
}

const datum = { x: 3, y: -2, label: 'run a', list: [3, 1, 2], 'a b': 7, when: Date.UTC(2026, 11, 6, 18) };
const params = { $focus: 'run a', $width: 400, $none: null };

const expressions = [
  '1 + 2 * 3 - 4 / 2 % 3',
  'datum.x > 2 && datum.y < 0',
  'datum.x === 3 ? "three" : "other"',
  'focus === null || datum.label === focus',
  'none === null || datum.label === none',
  '!datum.missing',
  '-datum.x + +"4"',
  'datum["a b"] << 2 | 1',
  'datum.x >>> 1 ^ 7 & 5',
  'datum.x == "3" && datum.x != 4 && datum.x !== "3"',
  '[datum.x, datum.y, width]',
  '{"run": datum.label, "x": datum.x}',
  '{"__proto__": 1, "then": 2, "ok": 3}',
  'PI + E + SQRT2 + LN10',
  'clamp(datum.x, 0, 2) + abs(datum.y) + max(1, 5, 2) + floor(2.7)',
  'indexof(datum.list, 1) + length(datum.list) + lastindexof("abca", "a")',
  'join(sort(datum.list), "-") + upper(datum.label) + substring("vega", 1, 3)',
  'split("a,b", ",")',
  'replace(datum.label, "run", "job") + trim("  x ")',
  'reverse(datum.list)',
  'utcyear(datum.when) + utcmonth(datum.when) + utchours(datum.when)',
  'isFinite(+datum.x) && isValid(datum.x)',
  'if(datum.x > 1, "big", undefinedFunctionNotCalled())',
  'scale("x", datum.x)',
  '_scale("y", datum.y)',
  'tagOf()',
  'test(regexp("^run"), datum.label)',
  'datum.constructor.constructor',
  'datum["list"][1] + datum.list["2"]',
  'isValid(datum["x"]) && isFinite(+datum["x"]) && isValid(datum["missing"])',
];

/** isValid is one of vega's view functions; both evaluators take it from the context. */
function contextWithIsValid(): Any {
  const ctx = context();
  ctx.functions.isValid = (v: unknown) => v != null && v === v;
  return ctx;
}

describe('compiled vega expressions', () => {
  for (const source of expressions) {
    it(`evaluates ${source} as vega-interpreter does`, () => {
      const ast = parseExpression(source) as Any;
      const expected = (expressionInterpreter as Any).parameter(contextWithIsValid(), { ast })(datum, params);
      const actual = compiledExpressions.parameter(contextWithIsValid(), { ast })(datum, params);
      deepStrictEqual(
        actual !== null && typeof actual === 'object' && !Array.isArray(actual) ? { ...actual } : actual,
        expected,
      );
    });
  }

  it('refuses a member that reaches Function', () => {
    for (const source of ['datum.constructor.constructor', 'datum["label"].constructor.constructor']) {
      const ast = parseExpression(source) as Any;
      strictEqual(compiledExpressions.parameter(context(), { ast })(datum, params), undefined);
    }
  });

  it('calls the context function found when compiled, with the context as this, and a missing one only when reached', () => {
    const ctx = context();
    const calls: unknown[] = [];
    ctx.functions.seen = function (this: unknown, v: unknown) {
      calls.push([this, v]);
      return v;
    };
    const run = compiledExpressions.parameter(ctx, {
      ast: parseExpression('datum.x > 5 ? nowhere(1) : seen(datum.x)') as Any,
    });
    strictEqual(run(datum, params), 3);
    deepStrictEqual(calls, [[ctx.functions, 3]]);
    throws(() => run({ x: 6 }, params), TypeError);
  });

  it('evaluates signal updates, event streams and handlers', () => {
    const ast = parseExpression('width / 2') as Any;
    strictEqual(compiledExpressions.operator(context(), { ast })(params), 200);
    const event = { type: 'pointerover', item: { datum }, vega: { x: () => 12 } };
    const onEvent = parseExpression('event.type === "pointerover" && x() === 12') as Any;
    strictEqual(compiledExpressions.event(context(), { ast: onEvent })(event), true);
    const handler = parseExpression('datum.label + " " + focus') as Any;
    strictEqual(compiledExpressions.handler(context(), { ast: handler })(params, event), 'run a run a');
  });

  it('encodes mark items as vega-interpreter does, spans included', () => {
    // Channels written by name (x, x2, y, y2, fill, stroke, opacity, defined, tooltip) and by key.
    const channels = {
      x: { ast: parseExpression('datum.x') as Any },
      x2: { ast: parseExpression('datum.y') as Any },
      y: { ast: parseExpression('datum.x * 10') as Any },
      y2: { ast: parseExpression('width / 10') as Any },
      opacity: { ast: parseExpression('focus === null || datum.label === focus ? 1 : 0.15') as Any },
      fill: { ast: parseExpression('"#123"') as Any },
      stroke: { ast: parseExpression('datum.label') as Any },
      defined: { ast: parseExpression('datum.y > 0') as Any },
      tooltip: { ast: parseExpression('{"run": datum.label}') as Any },
      strokeWidth: { ast: parseExpression('0 / 0') as Any },
    };
    for (const marktype of ['rect', 'area']) {
      const expectedItem: Any = { datum };
      const actualItem: Any = { datum };
      const encode = { marktype, channels };
      const expectedEncoder = (expressionInterpreter as Any).encode(context(), encode);
      const actualEncoder = compiledExpressions.encode(context(), encode);
      strictEqual(actualEncoder(actualItem, params), expectedEncoder(expectedItem, params));
      deepStrictEqual({ ...actualItem, tooltip: { ...actualItem.tooltip } }, expectedItem);
      // Encoded again with nothing changed but the tooltip object (a new one) and NaN: both say changed.
      strictEqual(actualEncoder(actualItem, params), expectedEncoder(expectedItem, params));
      const constant = { marktype, channels: { x: channels.x, fill: channels.fill } };
      const [a, b]: Any[] = [{ datum }, { datum }];
      (expressionInterpreter as Any).encode(context(), constant)(a, params);
      compiledExpressions.encode(context(), constant)(b, params);
      strictEqual(
        compiledExpressions.encode(context(), constant)(b, params),
        (expressionInterpreter as Any).encode(context(), constant)(a, params),
        'nothing changed',
      );
    }
  });
});
