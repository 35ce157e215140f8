/**
 * The filter language of the experiments table and `xlens runs --filter`: comparisons of run fields
 * joined with `and`, `or`, `not` and parentheses, plus free text.
 *
 * ```
 * expression := or
 * or         := and ("or" and)*
 * and        := not (["and"] not)*          juxtaposed terms are joined with "and"
 * not        := "not" not | "(" or ")" | term
 * term       := operand [operator operand]  a lone operand is a text search
 * operator   := ">" | ">=" | "<" | "<=" | "==" | "=" | "!=" | "~" | "!~"
 * operand    := word | quoted [suffix]                     a suffix only on a field name
 * quoted     := "double-quoted" | 'single-quoted'       (backslash escapes the quote and itself)
 * suffix     := ":" word                                 right after the closing quote: "loss:min":max
 * ```
 *
 * A word is a run of characters other than spaces, parentheses, quotes and `<>=!~`, so metric names
 * with `/`, `.`, `-` or `:` need no quotes: `eval/accuracy > 0.9 and params.lr <= 0.01`,
 * `status == failed`, `val_loss:min < 0.3`, `duration > 5m`, `not dirty == true`, `train "early stop"`.
 * The left operand names a field (see `parseFieldName`): a name in quotes is all of it the name, with an
 * aggregate read only after the closing quote, so `"loss:min" < 0.3` reads a metric logged as `loss:min`,
 * `"loss:min":max` its max, `"train loss" < 0.3` a name with a space. The right one is a value: a number
 * (`1e-3`), for `duration` also a duration (`90s`, `5m`, `2h`), `true`/`false`, `null` (the run has no
 * value: `params.seed == null`), or text. Numbers compare as numbers (a param or metric held as text
 * written as a number, `"0.3"`, too; other text is never ordered against a number), text as text (`started >
 * 2026-12-01` works on ISO times): `==` and `!=` exactly, case and digits included (`task == train1`
 * matches neither `Train1` nor `train01`), `<`, `>`, `<=` and `>=` in natural order (`run-9 < run-10`);
 * `~` is a case-insensitive "contains". A run without the field fails
 * every comparison but `!= <value>` and `== null`. A text search matches, case-insensitively, the run's
 * id, task, status, commit, branch and param values (and whatever `options.text` adds, e.g. its note).
 */
import { UserInputError } from '../base/errors';
import { parseDuration } from '../config/duration';
import { closest } from '../config/suggest';
import { RUN_STATUSES, type RunRecord } from '../runs/types';
import { compareText, numberFromText } from '../../shared/fieldOrder';
import { parseFieldName, type FieldCatalog } from './fieldNames';
import { readQuoted } from './quoted';
import { fieldValue, type Field, type FieldValue, type StepValueLookup } from './fields';

type Operator = '>' | '>=' | '<' | '<=' | '==' | '!=' | '~' | '!~';

/** A parsed filter expression (see the module comment for the language). */
export type FilterExpression =
  | { kind: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'compare'; field: Field; operator: Operator; value: string; quoted: boolean }
  | { kind: 'text'; text: string };

interface Token {
  type: 'word' | 'string' | 'op' | '(' | ')';
  /** The text, a quoted one without its quotes and escapes. */
  text: string;
  /** Of a quoted token: its source text, quotes, escapes and an aggregate suffix after them included. */
  source?: string;
  /** Of a quoted token: the text right after its closing quote from a `:` on (`:max`), else `''`. */
  suffix?: string;
  /** 1-based column of the token's first character. */
  column: number;
}

/** The deepest nesting of `not` and parentheses a filter may have (deeper ones are refused). */
const MAX_NESTING = 100;

const OPERATORS = ['>=', '<=', '==', '!=', '!~', '>', '<', '=', '~'];
const WORD_END = /[\s()"'<>=!~]/;

function tokenize(source: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c, text: c, column: i + 1 });
      i++;
    } else if (c === '"' || c === "'") {
      const { text, end } = readQuoted(source, i, what);
      // A quoted field name goes on with its aggregate: `"loss:min":max`.
      let j = end;
      if (source[j] === ':') {
        while (j < source.length && !WORD_END.test(source[j])) {
          j++;
        }
      }
      const suffix = source.slice(end, j);
      tokens.push({ type: 'string', text, source: source.slice(i, j), suffix, column: i + 1 });
      i = j;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op) {
        tokens.push({ type: 'op', text: op === '=' ? '==' : op, column: i + 1 });
        i += op.length;
        continue;
      }
      if (c === '!') {
        throw new UserInputError(
          `${what}: column ${i + 1}: "!" alone is not an operator; use "not", "!=" or "!~".`,
        );
      }
      let j = i;
      while (j < source.length && !WORD_END.test(source[j])) {
        j++;
      }
      tokens.push({ type: 'word', text: source.slice(i, j), column: i + 1 });
      i = j;
    }
  }
  return tokens;
}

const isKeyword = (token: Token | undefined, keyword: string): boolean =>
  token?.type === 'word' && token.text.toLowerCase() === keyword;

/**
 * Parses a filter expression against the fields the runs have.
 * @param what how messages name the expression, e.g. `--filter` or `filter`.
 * @returns `undefined` for an empty or blank expression (no filter).
 * @throws UserInputError naming `what` and the 1-based column for a syntax error (unclosed quote or
 *   parenthesis, missing operand), and for an unknown field (with a suggestion).
 */
export function parseFilter(
  source: string,
  catalog: FieldCatalog,
  what = 'filter',
): FilterExpression | undefined {
  const tokens = tokenize(source, what);
  if (tokens.length === 0) {
    return undefined;
  }
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const fail = (message: string, token = peek()): never => {
    throw new UserInputError(`${what}: ${token ? `column ${token.column}` : 'at the end'}: ${message}`);
  };
  const parseOr = (): FilterExpression => {
    let left = parseAnd();
    while (isKeyword(peek(), 'or')) {
      at++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpression => {
    let left = parseNot();
    for (;;) {
      const next = peek();
      if (next === undefined || next.type === ')' || isKeyword(next, 'or')) {
        return left;
      }
      if (isKeyword(next, 'and')) {
        at++;
      }
      left = { kind: 'and', left, right: parseNot() };
    }
  };
  let depth = 0;
  const nested = <T>(token: Token, parse: () => T): T => {
    if (++depth > MAX_NESTING) {
      fail(`more than ${MAX_NESTING} nested "not" or "(" here; write a flatter expression.`, token);
    }
    const result = parse();
    depth--;
    return result;
  };
  const parseNot = (): FilterExpression => {
    const token = peek();
    if (token === undefined) {
      return fail('expected a comparison, a text or "(" here.');
    }
    if (isKeyword(token, 'not')) {
      at++;
      return { kind: 'not', operand: nested(token, parseNot) };
    }
    if (token.type === '(') {
      at++;
      const inner = nested(token, parseOr);
      if (peek()?.type !== ')') {
        fail(`the "(" at column ${token.column} is not closed.`);
      }
      at++;
      return inner;
    }
    if (token.type === ')') {
      return fail('")" without a matching "(".');
    }
    if (token.type === 'op') {
      return fail(`"${token.text}" needs a field name before it, e.g. "val_loss ${token.text} 0.3".`);
    }
    if (isKeyword(token, 'and') || isKeyword(token, 'or')) {
      return fail(`"${token.text}" needs a condition before it.`);
    }
    at++;
    const op = peek();
    if (op?.type !== 'op') {
      if (token.suffix) {
        fail(
          `"${token.source}" names a field; compare it with a value, e.g. "${token.source} > 0.5".`,
          token,
        );
      }
      return { kind: 'text', text: token.text };
    }
    at++;
    const value = peek();
    if (value === undefined || (value.type !== 'word' && value.type !== 'string')) {
      return fail(`"${op.text}" needs a value after it, e.g. "${token.text} ${op.text} 0.5".`, value);
    }
    if (value.suffix) {
      fail(
        `"${value.source}" is a value, which takes no aggregate; put all of it in the quotes if it is one text.`,
        value,
      );
    }
    at++;
    // A quoted name is read with its quotes: all of it is the name, an aggregate only after them.
    const name = token.type === 'string' ? token.source! : token.text;
    const field = parseFieldName(name, catalog, `${what}: column ${token.column}`);
    const problem = value.type === 'word' ? attributeValueProblem(field, value.text) : undefined;
    if (problem !== undefined) {
      fail(problem, value);
    }
    return {
      kind: 'compare',
      field,
      operator: op.text as Operator,
      value: value.text,
      quoted: value.type === 'string',
    };
  };
  const expression = parseOr();
  if (at < tokens.length) {
    fail(tokens[at].type === ')' ? '")" without a matching "(".' : `unexpected "${tokens[at].text}".`);
  }
  return expression;
}

/**
 * Why an unquoted value can never match an attribute with a fixed set of values (a status, `dirty`,
 * a duration), or `undefined` when it can: `status == runing` or `duration > 5x` would silently match
 * nothing.
 */
function attributeValueProblem(field: Field, value: string): string | undefined {
  if (field.kind !== 'attribute' || value === 'null') {
    return undefined;
  }
  switch (field.name) {
    case 'status':
      return (RUN_STATUSES as readonly string[]).includes(value) ||
        RUN_STATUSES.some((s) => s.includes(value))
        ? undefined
        : `"${value}" is no run status${suggestion(value, RUN_STATUSES)}; a status is one of ${RUN_STATUSES.join(', ')}.`;
    case 'dirty':
      return value === 'true' || value === 'false' || value === 'yes' || value === 'no'
        ? undefined
        : `"${value}" is not a value of dirty; write true or false (yes or no).`;
    case 'duration':
      return numberFromText(value) !== undefined || parseDuration(value) !== undefined
        ? undefined
        : `"${value}" is not a duration; write milliseconds or a duration such as 90s, 5m, 2h or 1h30m.`;
    default:
      return undefined;
  }
}

function suggestion(value: string, candidates: Iterable<string>): string {
  const near = closest(value, candidates);
  return near ? ` (did you mean "${near}"?)` : '';
}

/**
 * The operands of a chain of one kind (`a and b and c`, parsed as `((a and b) and c)`), in order, read
 * without recursion, so an expression of thousands of terms does not exhaust the stack.
 */
function chain(expression: Extract<FilterExpression, { kind: 'and' | 'or' }>): FilterExpression[] {
  const rights: FilterExpression[] = [];
  let node: FilterExpression = expression;
  while (node.kind === expression.kind) {
    rights.push(node.right);
    node = node.left;
  }
  return [node, ...rights.reverse()];
}

/** Options of {@link matchesFilter}. */
export interface FilterContext {
  /** Values of metrics at a step, for `name:@N` fields. */
  stepValue?: StepValueLookup;
  /** More text a text search looks in (e.g. a run's note), beside id, task, status, git and params. */
  text?: (run: RunRecord) => string;
}

/** Whether `run` satisfies `expression` (see the module comment for the rules). */
export function matchesFilter(
  run: RunRecord,
  expression: FilterExpression,
  context: FilterContext = {},
): boolean {
  switch (expression.kind) {
    case 'and':
      return chain(expression).every((operand) => matchesFilter(run, operand, context));
    case 'or':
      return chain(expression).some((operand) => matchesFilter(run, operand, context));
    case 'not':
      return !matchesFilter(run, expression.operand, context);
    case 'text':
      return runText(run, context).includes(expression.text.toLowerCase());
    case 'compare':
      return compare(fieldValue(run, expression.field, context.stepValue), expression);
  }
}

function runText(run: RunRecord, context: FilterContext): string {
  const parts = [run.id, run.task, run.status, run.git.commit ?? '', run.git.branch ?? ''];
  for (const [key, value] of Object.entries(run.params)) {
    parts.push(`${key}=${String(value)}`);
  }
  if (context.text) {
    parts.push(context.text(run));
  }
  return parts.join('\n').toLowerCase();
}

/** The right operand as the type of the field's value, when it reads as one. */
function operandValue(
  actual: Exclude<FieldValue, null>,
  expression: Extract<FilterExpression, { kind: 'compare' }>,
): FieldValue | undefined {
  const { value, quoted } = expression;
  if (typeof actual === 'number' && !quoted) {
    const number = Number(value);
    if (value.trim() !== '' && Number.isFinite(number)) {
      return number;
    }
    if (expression.field.kind === 'attribute' && expression.field.name === 'duration') {
      const ms = parseDuration(value);
      return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
    }
    return undefined;
  }
  if (typeof actual === 'boolean' && !quoted && ['true', 'false', 'yes', 'no'].includes(value)) {
    // yes and no as the table and `xlens runs` show `dirty`.
    return value === 'true' || value === 'yes';
  }
  if (typeof actual !== 'string') {
    return undefined;
  }
  // A number against text: text written as a number (MLflow's params, `"0.3"` in a params file) is
  // that number; other text in a param or metric is never ordered against a number ("abc" > 0.05 is
  // false). Attributes keep comparing as text (`started > 2026`).
  const number = quoted ? undefined : numberFromText(value);
  if (number !== undefined && expression.field.kind !== 'attribute') {
    return numberFromText(actual) !== undefined ? number : undefined;
  }
  return value;
}

function compare(actual: FieldValue, expression: Extract<FilterExpression, { kind: 'compare' }>): boolean {
  const { operator, value, quoted } = expression;
  const isNull = !quoted && value === 'null';
  if (actual === null) {
    return isNull ? operator === '==' : operator === '!=' || operator === '!~';
  }
  if (isNull) {
    return operator === '!=';
  }
  if (operator === '~' || operator === '!~') {
    const contains = String(actual).toLowerCase().includes(value.toLowerCase());
    return operator === '~' ? contains : !contains;
  }
  const expected = operandValue(actual, expression);
  if (expected === undefined || expected === null) {
    // A value of another type (text against a number): never equal, never ordered.
    return operator === '!=';
  }
  const texts = typeof actual === 'string' && typeof expected === 'string';
  if (operator === '==' || operator === '!=') {
    // Text is equal only when it is the same text: the collation that orders it holds `train1` and
    // `train01` (and texts differing only in characters it ignores) equal, right for ordering only.
    // A param held as text written as a number (`"0.3"`) is equal as that number.
    const equal = texts ? actual === expected : Number(actual) === Number(expected);
    return equal === (operator === '==');
  }
  const order = texts ? compareText(actual, expected) : Number(actual) - Number(expected);
  switch (operator) {
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

/** The fields an expression reads (e.g. to load step values for `name:@N` fields first). */
export function filterFields(expression: FilterExpression | undefined): Field[] {
  if (!expression) {
    return [];
  }
  switch (expression.kind) {
    case 'and':
    case 'or':
      return chain(expression).flatMap(filterFields);
    case 'not':
      return filterFields(expression.operand);
    case 'compare':
      return [expression.field];
    case 'text':
      return [];
  }
}
