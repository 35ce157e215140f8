/**
 * The built-in constants, operators and functions of the Vega expression language
 * (https://vega.github.io/vega/docs/expressions/), as vega-interpreter (v2) defines them: the tables
 * {@link compiledExpressions} compiles calls and operators against (`compiledExpressions.ts`).
 */
import { ascending, isString } from 'vega-util';

export const CONSTANTS: Record<string, number> = {
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
export const BINARY: Record<string, (a: any, b: any) => unknown> = {
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

export const UNARY: Record<string, (a: any) => unknown> = {
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

export const BUILTINS: Record<string, (...args: any[]) => unknown> = {
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
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument */
