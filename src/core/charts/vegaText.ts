/**
 * Text from data placed where vega compiles it into an expression: chart titles and axis titles.
 * vega's expression parser (vega-expression 6) looks a string literal up in a plain object of keywords,
 * so a literal equal to a member of `Object.prototype` (`"constructor"`, `"toString"`, `"__proto__"`...)
 * is read as an identifier, that is as an undefined signal, and the view fails to start ("Operator not
 * defined"); metrics and columns with those names are real. Such a text is given as a signal joining two
 * literals that are not such names; every other text is returned as it is.
 */
import type { SignalRef } from 'vega';

/**
 * `text`, or for a name of an `Object.prototype` member an equivalent signal (`"c" + "onstructor"`).
 * Use for every title or axis title built from a metric, column or class name.
 */
export function vegaText(text: string): string | SignalRef {
  if (!(text in Object.prototype)) {
    return text;
  }
  // A one-character literal and the rest: neither is a member name (no member name is a suffix of another).
  return { signal: `${JSON.stringify(text.slice(0, 1))} + ${JSON.stringify(text.slice(1))}` };
}

/**
 * A category from data (a drift category, a class) as a value of a chart's discrete field. vega keys
 * axis ticks and legend entries in plain objects (`fastmap` in vega-util 2), so a value `"__proto__"`
 * is lost there: its tick has no item and the view logs a DataJoin error. A name of an
 * `Object.prototype` member gets a zero-width space (U+200B) appended, which draws nothing; every other
 * value is returned as it is. The report's data keep the name exact; only the chart's copy changes.
 */
export function vegaCategory(text: string): string {
  return text in Object.prototype ? `${text}\u200b` : text;
}
