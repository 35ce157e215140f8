/**
 * The language of a task's `checks:` in `xlens.yaml`: one comparison of a run's metric with a number
 * or with the same metric of a baseline run, e.g. `eval/roc_auc >= 0.9`, `max(val_acc) > 0.8`,
 * `"loss (train)" <= baseline * 1.05`. Grammar (whitespace allowed between tokens):
 *
 * ```
 * check     := operand op right
 * operand   := name | aggregate "(" name ")"
 * aggregate := "last" | "min" | "max" | "best"
 * name      := bare | quoted
 * bare      := one or more characters other than whitespace and < > = ! ( ) " '
 * quoted    := '"' chars '"' | "'" chars "'"     (a backslash escapes the quote or a backslash)
 * op        := ">=" | ">" | "<=" | "<" | "==" | "!="
 * right     := number | "baseline" [ ("+" | "-" | "*") number ]
 * number    := [+-] digits [. digits] [(e|E) [+-] digits]   (or .digits; finite as a double)
 * ```
 *
 * Every problem is a {@link CheckSyntaxError} (a `UserInputError`) carrying the 0-based offset in the
 * check's text where it was found, so the config loader can place it at its line and column.
 */
import { UserInputError } from '../base/errors';

/** Comparison operators of a check. */
export type CheckOperator = '>=' | '>' | '<=' | '<' | '==' | '!=';

/**
 * Which value of the run's series a check compares: `last` (the default: the last value written),
 * `min`, `max`, or `best` (min or max by the metric's goal, as run summaries decide: `metricGoal`).
 */
export type CheckAggregate = 'last' | 'min' | 'max' | 'best';

/** The right side of a check: a number, or the baseline run's value, optionally shifted or scaled. */
export type CheckRight =
  { kind: 'number'; value: number } | { kind: 'baseline'; adjust?: { op: '+' | '-' | '*'; value: number } };

/** A parsed check. */
export interface ParsedCheck {
  /** The check as written. */
  text: string;
  /** The metric name (quotes and escapes removed). */
  metric: string;
  aggregate: CheckAggregate;
  op: CheckOperator;
  right: CheckRight;
}

/** The longest check accepted, in characters. */
export const MAX_CHECK_LENGTH = 1000;

/** A check that does not parse; `offset` is the 0-based position in the check's text. */
export class CheckSyntaxError extends UserInputError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const AGGREGATES: readonly CheckAggregate[] = ['last', 'min', 'max', 'best'];
const OPERATORS: readonly CheckOperator[] = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
/** Characters that end a bare name. */
const NAME_STOP = /[\s<>=!()"']/;
const EXAMPLE = 'Write e.g. `eval/roc_auc >= 0.9` or `val_loss <= baseline + 0.01`.';

/**
 * Parses one check.
 * @throws CheckSyntaxError (a `UserInputError`) naming what was expected, at its offset in `text`.
 */
export function parseCheck(text: string): ParsedCheck {
  return new CheckParser(text).parse();
}

/** Renders a name as a check would need it written: bare when it can be, else double-quoted. */
export function checkName(name: string): string {
  return name !== '' && !/[\s<>=!()"'\\]/.test(name) && !AGGREGATES.includes(name as CheckAggregate)
    ? name
    : `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

class CheckParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): ParsedCheck {
    if (this.text.length > MAX_CHECK_LENGTH) {
      this.fail(
        `the check is ${this.text.length} characters long; the longest accepted is ${MAX_CHECK_LENGTH}`,
        MAX_CHECK_LENGTH,
      );
    }
    this.space();
    if (this.at >= this.text.length) {
      this.fail(`the check is empty. ${EXAMPLE}`);
    }
    const { metric, aggregate } = this.operand();
    this.space();
    const op = this.operator();
    this.space();
    const right = this.right();
    this.space();
    if (this.at < this.text.length) {
      this.fail(`unexpected ${this.shown()} after the check's right side. ${EXAMPLE}`);
    }
    return { text: this.text, metric, aggregate, op, right };
  }

  private operand(): { metric: string; aggregate: CheckAggregate } {
    const start = this.at;
    const quoted = this.peek() === '"' || this.peek() === "'";
    const name = this.name();
    this.space();
    if (quoted || this.peek() !== '(') {
      return { metric: name, aggregate: 'last' };
    }
    if (!AGGREGATES.includes(name as CheckAggregate)) {
      this.fail(
        `unknown function "${name}(": write last(...), min(...), max(...) or best(...), or quote a metric name that contains "(" (e.g. "${name}(x)")`,
        start,
      );
    }
    this.at++; // (
    this.space();
    const metric = this.name();
    this.space();
    if (this.peek() !== ')') {
      this.fail(`expected ")" to close ${name}(, found ${this.shown()}`);
    }
    this.at++;
    return { metric, aggregate: name as CheckAggregate };
  }

  private name(): string {
    const quote = this.peek();
    if (quote === '"' || quote === "'") {
      return this.quoted(quote);
    }
    const start = this.at;
    while (this.at < this.text.length && !NAME_STOP.test(this.text[this.at])) {
      this.at++;
    }
    if (this.at === start) {
      this.fail(`expected a metric name, found ${this.shown()}. ${EXAMPLE}`);
    }
    return this.text.slice(start, this.at);
  }

  private quoted(quote: string): string {
    const start = this.at;
    this.at++;
    let name = '';
    while (this.at < this.text.length && this.text[this.at] !== quote) {
      if (this.text[this.at] === '\\' && this.at + 1 < this.text.length) {
        this.at++;
      }
      name += this.text[this.at];
      this.at++;
    }
    if (this.at >= this.text.length) {
      this.fail(`the quoted metric name is not closed: add ${quote} after the name`, start);
    }
    this.at++;
    if (name === '') {
      this.fail('the quoted metric name is empty', start);
    }
    return name;
  }

  private operator(): CheckOperator {
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.at));
    if (!op) {
      const two = this.text.slice(this.at, this.at + 2);
      const hint =
        two === '=>'
          ? ' (write >=)'
          : two === '=<'
            ? ' (write <=)'
            : two[0] === '='
              ? ' (equality is ==)'
              : '';
      this.fail(
        `expected a comparison (>=, >, <=, <, ==, !=) after the metric name, found ${this.shown()}${hint}`,
      );
    }
    this.at += op.length;
    return op;
  }

  private right(): CheckRight {
    if (/^baseline(?![\w/.-])/.test(this.text.slice(this.at, this.at + 9))) {
      this.at += 'baseline'.length;
      this.space();
      const op = this.peek();
      if (op !== '+' && op !== '-' && op !== '*') {
        return { kind: 'baseline' };
      }
      this.at++;
      this.space();
      return { kind: 'baseline', adjust: { op, value: this.number(`a number after "baseline ${op}"`) } };
    }
    return { kind: 'number', value: this.number('a number or `baseline` on the right side') };
  }

  private number(what: string): number {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) {
      this.fail(`expected ${what}, found ${this.shown()}`);
    }
    const value = Number(match[0]);
    if (!Number.isFinite(value)) {
      this.fail(`the number ${match[0]} is beyond the range of a double (about ±1.8e308)`);
    }
    this.at += match[0].length;
    return value;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) {
      this.at++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  /** What stands at the current position, for messages (a short, JSON-quoted excerpt). */
  private shown(): string {
    if (this.at >= this.text.length) {
      return 'the end of the check';
    }
    const rest = this.text.slice(this.at);
    return JSON.stringify(rest.length > 20 ? `${rest.slice(0, 20)}…` : rest);
  }

  private fail(message: string, offset = this.at): never {
    throw new CheckSyntaxError(message, offset);
  }
}
