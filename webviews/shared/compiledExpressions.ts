/**
 * Vega expressions evaluated without `eval` (the webviews' CSP has no `unsafe-eval`), compiled once into
 * nested closures instead of walking the syntax tree on every evaluation.
 *
 * Vega parses every expression of a spec (encodings, filters, signals) into an ESTree-like syntax tree
 * (`ast: true`) and hands it to the `expr` option's code generator. `vega-interpreter` walks that tree
 * for each evaluation and sets up a fresh scope (an object and six event closures) per call; an
 * encoding is evaluated per channel per mark item, so a chart of 20,000 rows × 2 marks × 7 channels makes
 * 280,000 such calls on its first render. Here each tree becomes a closure tree once, and evaluating it
 * allocates nothing of its own.
 *
 * Semantics and safeguards are vega-interpreter's (v2, the reference behaviour): the same built-in
 * constants, operators and functions (the Vega expression language, https://vega.github.io/vega/docs/expressions/),
 * functions prefixed `_` routed to their plain names, `if` evaluated lazily, event functions (`view`,
 * `item`, `group`, `xy`, `x`, `y`) routed to the event's vega context, member access yielding `Function`,
 * `eval`, `setTimeout`, `setInterval` or `setImmediate` refused (undefined), and object literals dropping
 * `__proto__`, `then` and `Object.prototype`'s method names as keys.
 */
// vega-util: vega's own helpers (vega re-exports them); imported directly so that Node tests load this
// module without vega's canvas.
import { ascending, DisallowedObjectProperties, isString } from 'vega-util';

/** A syntax tree node as vega's expression parser makes it (only the fields read here). */
interface Node {
  type: string;
  name?: string;
  value?: unknown;
  regex?: { pattern: string; flags: string };
  operator?: string;
  computed?: boolean;
  object?: Node;
  property?: Node;
  callee?: Node;
  arguments?: Node[];
  elements?: Node[];
  left?: Node;
  right?: Node;
  argument?: Node;
  test?: Node;
  consequent?: Node;
  alternate?: Node;
  properties?: { key: Node; value: Node }[];
}

type Fns = Record<string, ((...args: unknown[]) => unknown) | undefined> & { context?: unknown };

/** What an evaluation sees: the datum, the signal values (`$name`), the event and the item. */
interface Scope {
  datum: unknown;
  params: Record<string, unknown> | undefined;
  event: { vega: Record<string, (...args: unknown[]) => unknown> } | undefined;
  item: unknown;
  fn: Fns;
}

type Compiled = (s: Scope) => unknown;

const CONSTANTS: Record<string, number> = {
  NaN: Number.NaN,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  PI: Math.PI,
  SQRT1_2: Math.SQRT1_2,
  SQRT2: Math.SQRT2,
  MIN_VALUE: Number.MIN_VALUE,
  MAX_VALUE: Number.MAX_VALUE,
};

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument --
   the expression language is dynamically typed: its values are whatever the spec, data and vega hand over */
const BINARY: Record<string, (a: any, b: any) => unknown> = {
  '*': (a, b) => a * b,
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  // eslint-disable-next-line eqeqeq -- the language's loose equality
  '==': (a, b) => a == b,
  // eslint-disable-next-line eqeqeq -- the language's loose inequality
  '!=': (a, b) => a != b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
  '<<': (a, b) => a << b,
  '>>': (a, b) => a >> b,
  '>>>': (a, b) => a >>> b,
};

const UNARY: Record<string, (a: any) => unknown> = {
  '+': (a) => +a,
  '-': (a) => -a,
  '~': (a) => ~a,
  '!': (a) => !a,
};

/** `target[method](...rest)` with the first argument as target (cast first when given). */
const method =
  (name: string, cast?: (v: unknown) => unknown) =>
  (...args: any[]): unknown => {
    const target = cast ? cast(args[0]) : args[0];
    return target[name](...args.slice(1));
  };

const dateOf = (d: any): Date => new Date(d);

const BUILTINS: Record<string, (...args: any[]) => unknown> = {
  isNaN: Number.isNaN,
  isFinite: Number.isFinite,
  abs: Math.abs,
  acos: Math.acos,
  asin: Math.asin,
  atan: Math.atan,
  atan2: Math.atan2,
  ceil: Math.ceil,
  cos: Math.cos,
  exp: Math.exp,
  floor: Math.floor,
  hypot: Math.hypot,
  log: Math.log,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
  random: Math.random,
  round: Math.round,
  sin: Math.sin,
  sqrt: Math.sqrt,
  tan: Math.tan,
  clamp: (a, lo, hi) => Math.max(lo, Math.min(hi, a)),
  now: Date.now,
  utc: Date.UTC,
  datetime: (y: any, m = 0, d = 1, h = 0, min = 0, s = 0, ms = 0) =>
    isString(y) ? new Date(y) : new Date(y, m, d, h, min, s, ms),
  date: (d) => dateOf(d).getDate(),
  day: (d) => dateOf(d).getDay(),
  year: (d) => dateOf(d).getFullYear(),
  month: (d) => dateOf(d).getMonth(),
  hours: (d) => dateOf(d).getHours(),
  minutes: (d) => dateOf(d).getMinutes(),
  seconds: (d) => dateOf(d).getSeconds(),
  milliseconds: (d) => dateOf(d).getMilliseconds(),
  time: (d) => dateOf(d).getTime(),
  timezoneoffset: (d) => dateOf(d).getTimezoneOffset(),
  utcdate: (d) => dateOf(d).getUTCDate(),
  utcday: (d) => dateOf(d).getUTCDay(),
  utcyear: (d) => dateOf(d).getUTCFullYear(),
  utcmonth: (d) => dateOf(d).getUTCMonth(),
  utchours: (d) => dateOf(d).getUTCHours(),
  utcminutes: (d) => dateOf(d).getUTCMinutes(),
  utcseconds: (d) => dateOf(d).getUTCSeconds(),
  utcmilliseconds: (d) => dateOf(d).getUTCMilliseconds(),
  length: (x) => x.length,
  join: method('join'),
  indexof: method('indexOf'),
  lastindexof: method('lastIndexOf'),
  slice: method('slice'),
  reverse: (x) => x.slice().reverse(),
  sort: (x) => x.slice().sort(ascending),
  parseFloat,
  parseInt,
  upper: (x) => String(x).toUpperCase(),
  lower: (x) => String(x).toLowerCase(),
  substring: method('substring', String),
  split: method('split', String),
  replace: method('replace', String),
  trim: (x) => String(x).trim(),
  btoa: (x) => btoa(x),
  atob: (x) => atob(x),
  encodeURIComponent: (x) => encodeURIComponent(x),
  regexp: RegExp,
  test: (r, t) => RegExp(r).test(t),
};

const EVENT_FUNCTIONS = new Set(['view', 'item', 'group', 'xy', 'x', 'y']);

const REFUSED = new Set<unknown>([Function, eval, setTimeout, setInterval]);
if (typeof (globalThis as any).setImmediate === 'function') {
  REFUSED.add((globalThis as any).setImmediate);
}

/** A member or key name: an identifier's name (not looked up) or a literal's value. */
function keyOf(node: Node): string {
  return node.type === 'Identifier' ? node.name! : String(node.value);
}

function identifier(name: string): Compiled {
  switch (name) {
    case 'datum':
      return (s) => s.datum;
    case 'event':
      return (s) => s.event;
    case 'item':
      return (s) => s.item;
  }
  if (Object.hasOwn(CONSTANTS, name)) {
    const value = CONSTANTS[name];
    return () => value;
  }
  const key = `$${name}`;
  return (s) => s.params?.[key];
}

function call(node: Node): Compiled {
  const name = node.callee!.name!.replace(/^_/, '');
  const args = node.arguments!.map(compile);
  if (name === 'if') {
    const [test, then, otherwise] = args;
    return (s) => (test(s) ? then(s) : otherwise(s));
  }
  if (EVENT_FUNCTIONS.has(name)) {
    return (s) => s.event!.vega[name](...args.map((a) => a(s)));
  }
  const fnOf = (s: Scope): ((...values: unknown[]) => unknown) => s.fn[name] ?? BUILTINS[name];
  // Arities 0-3 (nearly every call in a spec) without an argument array per evaluation.
  switch (args.length) {
    case 0:
      return (s) => fnOf(s).call(s.fn);
    case 1: {
      const [a] = args;
      return (s) => fnOf(s).call(s.fn, a(s));
    }
    case 2: {
      const [a, b] = args;
      return (s) => fnOf(s).call(s.fn, a(s), b(s));
    }
    case 3: {
      const [a, b, c] = args;
      return (s) => fnOf(s).call(s.fn, a(s), b(s), c(s));
    }
    default:
      return (s) =>
        fnOf(s).apply(
          s.fn,
          args.map((a) => a(s)),
        );
  }
}

function member(node: Node): Compiled {
  const object = compile(node.object!);
  const read = (o: any, p: any): unknown => {
    const value = o[p];
    if (REFUSED.has(value)) {
      console.error(
        `Prevented interpretation of member "${String(p)}" which could lead to insecure code execution`,
      );
      return undefined;
    }
    return value;
  };
  if (node.computed) {
    const property = compile(node.property!);
    return (s) => read(object(s), property(s));
  }
  const name = keyOf(node.property!);
  return (s) => read(object(s), name);
}

function objectLiteral(node: Node): Compiled {
  const entries: (readonly [string, Compiled])[] = [];
  for (const p of node.properties!) {
    const key = keyOf(p.key);
    // The keys are in the expression: refused once, when it is compiled.
    if (DisallowedObjectProperties.has(key)) {
      console.error(
        `Prevented interpretation of property "${key}" which could lead to insecure code execution`,
      );
    } else {
      entries.push([key, compile(p.value)]);
    }
  }
  return (s) => {
    // An ordinary object (a tooltip per mark item: thousands per chart) is safe: `__proto__` and
    // Object.prototype's method names never get here as keys.
    // eslint-disable-next-line no-restricted-syntax -- keys checked above; a null prototype is far slower
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      const v = value(s);
      if (REFUSED.has(v)) {
        console.error(
          `Prevented interpretation of method "${key}" which could lead to insecure code execution`,
        );
      } else {
        out[key] = v;
      }
    }
    return out;
  };
}

/** Compiles one syntax tree. @throws Error for a node type the expression language does not have. */
function compile(node: Node): Compiled {
  switch (node.type) {
    case 'Literal': {
      const { value, regex } = node;
      if (regex && value instanceof RegExp && (value.global || value.sticky)) {
        // lastIndex would carry over between evaluations: a fresh RegExp each time.
        return () => new RegExp(regex.pattern, regex.flags);
      }
      return () => value;
    }
    case 'Identifier':
      return identifier(node.name!);
    case 'MemberExpression':
      return member(node);
    case 'CallExpression':
      return call(node);
    case 'ArrayExpression': {
      const elements = node.elements!.map(compile);
      return (s) => elements.map((e) => e(s));
    }
    case 'BinaryExpression': {
      const op = BINARY[node.operator!];
      const [left, right] = [compile(node.left!), compile(node.right!)];
      return (s) => op(left(s), right(s));
    }
    case 'UnaryExpression': {
      const op = UNARY[node.operator!];
      const argument = compile(node.argument!);
      return (s) => op(argument(s));
    }
    case 'ConditionalExpression': {
      const [test, then, otherwise] = [
        compile(node.test!),
        compile(node.consequent!),
        compile(node.alternate!),
      ];
      return (s) => (test(s) ? then(s) : otherwise(s));
    }
    case 'LogicalExpression': {
      const [left, right] = [compile(node.left!), compile(node.right!)];
      return node.operator === '&&' ? (s) => left(s) && right(s) : (s) => left(s) || right(s);
    }
    case 'ObjectExpression':
      return objectLiteral(node);
    default:
      throw new Error(`unsupported expression node ${node.type}`);
  }
}

/** Runs a compiled expression in a scope reused across evaluations (expressions do not re-enter it). */
function evaluator(ast: Node, fn: Fns) {
  const compiled = compile(ast);
  return (params: unknown, datum?: unknown, event?: unknown, item?: unknown): unknown =>
    compiled({ datum, params: params as Scope['params'], event: event as Scope['event'], item, fn });
}

/** Sets width/height from x2/y2 (and x/y from centres) after the channels, as vega's own encoders do. */
function adjustSpatial(item: any, channels: Record<string, unknown>, swap: boolean): void {
  if (channels.x2) {
    if (channels.x) {
      if (swap && item.x > item.x2) {
        [item.x, item.x2] = [item.x2, item.x];
      }
      item.width = item.x2 - item.x;
    } else {
      item.x = item.x2 - (item.width || 0);
    }
  }
  if (channels.xc) {
    item.x = item.xc - (item.width || 0) / 2;
  }
  if (channels.y2) {
    if (channels.y) {
      if (swap && item.y > item.y2) {
        [item.y, item.y2] = [item.y2, item.y];
      }
      item.height = item.y2 - item.y;
    } else {
      item.y = item.y2 - (item.height || 0);
    }
  }
  if (channels.yc) {
    item.y = item.yc - (item.height || 0) / 2;
  }
}

interface ParseContext {
  functions: Fns;
}

/**
 * The `expr` option of vega-embed / vega's `View` (with `ast: true`): a drop-in for vega-interpreter's
 * `expressionInterpreter`, with the same five entry points vega calls.
 */
export const compiledExpressions = {
  operator(ctx: ParseContext, expr: { ast: Node }) {
    const run = evaluator(expr.ast, ctx.functions);
    return (params: unknown) => run(params);
  },
  parameter(ctx: ParseContext, expr: { ast: Node }) {
    const run = evaluator(expr.ast, ctx.functions);
    return (datum: unknown, params: unknown) => run(params, datum);
  },
  event(ctx: ParseContext, expr: { ast: Node }) {
    const run = evaluator(expr.ast, ctx.functions);
    return (event: unknown) => run(undefined, undefined, event);
  },
  handler(ctx: ParseContext, expr: { ast: Node }) {
    const run = evaluator(expr.ast, ctx.functions);
    return (params: unknown, event: { item?: { datum?: unknown } } | undefined) =>
      run(params, event?.item?.datum, event);
  },
  encode(ctx: ParseContext, encode: { marktype: string; channels: Record<string, { ast: Node }> }) {
    const { marktype, channels } = encode;
    const swap = marktype === 'group' || marktype === 'image' || marktype === 'rect';
    const compiled = Object.entries(channels).map(([name, channel]) => [name, compile(channel.ast)] as const);
    return (item: any, params: unknown): number => {
      const scope: Scope = {
        datum: item.datum,
        params: params as Scope['params'],
        event: undefined,
        item,
        fn: ctx.functions,
      };
      let modified = 0;
      for (const [name, channel] of compiled) {
        const value = channel(scope);
        if (item[name] !== value) {
          item[name] = value;
          modified = 1;
        }
      }
      if (marktype !== 'rule') {
        adjustSpatial(item, channels, swap);
      }
      return modified;
    };
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument */
