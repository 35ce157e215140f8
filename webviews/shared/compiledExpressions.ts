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
import { DisallowedObjectProperties } from 'vega-util';
import { BINARY, BUILTINS, CONSTANTS, UNARY } from './expressionBuiltins';

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

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access --
   the expression language is dynamically typed: its values are whatever the spec, data and vega hand over */

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

function call(node: Node, fns: Fns): Compiled {
  const name = node.callee!.name!.replace(/^_/, '');
  const args = node.arguments!.map((a) => compile(a, fns));
  if (name === 'if') {
    const [test, then, otherwise] = args;
    return (s) => (test(s) ? then(s) : otherwise(s));
  }
  if (EVENT_FUNCTIONS.has(name)) {
    return (s) => s.event!.vega[name](...args.map((a) => a(s)));
  }
  // The function is looked up once, when compiled (vega's functions are all registered by then, and
  // `s.fn` is the `fns` compiled against); a name not found is looked up at each call, as the
  // interpreter does (an error then, only if the call is reached).
  const found = fns[name] ?? BUILTINS[name];
  if (found === undefined) {
    const fnOf = (s: Scope): ((...values: unknown[]) => unknown) => s.fn[name] ?? BUILTINS[name];
    return (s) =>
      fnOf(s).apply(
        s.fn,
        args.map((a) => a(s)),
      );
  }
  const f = found;
  // Arities 0-3 (nearly every call in a spec) without an argument array per evaluation.
  switch (args.length) {
    case 0:
      return () => f.call(fns);
    case 1: {
      const [a] = args;
      return (s) => f.call(fns, a(s));
    }
    case 2: {
      const [a, b] = args;
      return (s) => f.call(fns, a(s), b(s));
    }
    case 3: {
      const [a, b, c] = args;
      return (s) => f.call(fns, a(s), b(s), c(s));
    }
    default:
      return (s) =>
        f.apply(
          fns,
          args.map((a) => a(s)),
        );
  }
}

function member(node: Node, fns: Fns): Compiled {
  const object = compile(node.object!, fns);
  const read = (o: any, p: any): unknown => {
    const value = o[p];
    // Only functions are refused (a data value is never one of them: no set lookup per field read).
    if (typeof value === 'function' && REFUSED.has(value)) {
      console.error(
        `Prevented interpretation of member "${String(p)}" which could lead to insecure code execution`,
      );
      return undefined;
    }
    return value;
  };
  // `datum["x"]` (how vega writes field reads) is read as `datum.x`: the key is known when compiled.
  if (node.computed && node.property!.type !== 'Literal') {
    const property = compile(node.property!, fns);
    return (s) => read(object(s), property(s));
  }
  const name = keyOf(node.property!);
  if (node.object!.type === 'Identifier' && node.object!.name === 'datum') {
    // A field of the datum (every encoding channel reads some): one closure instead of two.
    return (s) => read(s.datum, name);
  }
  return (s) => read(object(s), name);
}

function objectLiteral(node: Node, fns: Fns): Compiled {
  const entries: (readonly [string, Compiled])[] = [];
  for (const p of node.properties!) {
    const key = keyOf(p.key);
    // The keys are in the expression: refused once, when it is compiled.
    if (DisallowedObjectProperties.has(key)) {
      console.error(
        `Prevented interpretation of property "${key}" which could lead to insecure code execution`,
      );
    } else {
      entries.push([key, compile(p.value, fns)]);
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

/**
 * Compiles one syntax tree against the view's functions `fns` (vega's `ctx.functions`).
 * @throws Error for a node type the expression language does not have.
 */
function compile(node: Node, fns: Fns): Compiled {
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
      return member(node, fns);
    case 'CallExpression':
      return call(node, fns);
    case 'ArrayExpression': {
      const elements = node.elements!.map((e) => compile(e, fns));
      return (s) => elements.map((e) => e(s));
    }
    case 'BinaryExpression': {
      const op = BINARY[node.operator!];
      const [left, right] = [compile(node.left!, fns), compile(node.right!, fns)];
      return (s) => op(left(s), right(s));
    }
    case 'UnaryExpression': {
      const op = UNARY[node.operator!];
      const argument = compile(node.argument!, fns);
      return (s) => op(argument(s));
    }
    case 'ConditionalExpression': {
      const [test, then, otherwise] = [
        compile(node.test!, fns),
        compile(node.consequent!, fns),
        compile(node.alternate!, fns),
      ];
      return (s) => (test(s) ? then(s) : otherwise(s));
    }
    case 'LogicalExpression': {
      const [left, right] = [compile(node.left!, fns), compile(node.right!, fns)];
      return node.operator === '&&' ? (s) => left(s) && right(s) : (s) => left(s) || right(s);
    }
    case 'ObjectExpression':
      return objectLiteral(node, fns);
    default:
      throw new Error(`unsupported expression node ${node.type}`);
  }
}

/** Runs a compiled expression in a scope reused across evaluations (expressions do not re-enter it). */
function evaluator(ast: Node, fn: Fns) {
  const compiled = compile(ast, fn);
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

/** Sets one channel of a mark item; 1 when its value changed. */
type Setter = (item: any, s: Scope) => number;

/**
 * A setter of channel `name` to the value of `value`: the channels vega-lite's marks use write their
 * property by name (a store each mark's items share, instead of a store keyed by a variable name), the
 * others by key.
 */
function channelSetter(name: string, value: Compiled): Setter {
  switch (name) {
    case 'x':
      return (item, s) => (item.x === (item.x = value(s)) ? 0 : 1);
    case 'y':
      return (item, s) => (item.y === (item.y = value(s)) ? 0 : 1);
    case 'x2':
      return (item, s) => (item.x2 === (item.x2 = value(s)) ? 0 : 1);
    case 'y2':
      return (item, s) => (item.y2 === (item.y2 = value(s)) ? 0 : 1);
    case 'fill':
      return (item, s) => (item.fill === (item.fill = value(s)) ? 0 : 1);
    case 'stroke':
      return (item, s) => (item.stroke === (item.stroke = value(s)) ? 0 : 1);
    case 'opacity':
      return (item, s) => (item.opacity === (item.opacity = value(s)) ? 0 : 1);
    case 'defined':
      return (item, s) => (item.defined === (item.defined = value(s)) ? 0 : 1);
    case 'tooltip':
      return (item, s) => (item.tooltip === (item.tooltip = value(s)) ? 0 : 1);
    default:
      return (item, s) => (item[name] === (item[name] = value(s)) ? 0 : 1);
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
    const setters = Object.entries(channels).map(([name, channel]) =>
      channelSetter(name, compile(channel.ast, ctx.functions)),
    );
    return (item: any, params: unknown): number => {
      const scope: Scope = {
        datum: item.datum,
        params: params as Scope['params'],
        event: undefined,
        item,
        fn: ctx.functions,
      };
      let modified = 0;
      for (let i = 0; i < setters.length; i++) {
        modified |= setters[i](item, scope);
      }
      if (marktype !== 'rule') {
        adjustSpatial(item, channels, swap);
      }
      return modified;
    };
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
