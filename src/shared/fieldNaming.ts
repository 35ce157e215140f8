/**
 * How a run's fields are named, shared by the core (field ids, CSV headers, `xlens runs` columns, the
 * filter language: core/compare/fields.ts and fieldNames.ts) and the experiments table's page (its headers
 * and column chooser, webviews/table/model.ts), so that a name shown is a name the filter reads.
 *
 * A field name is a name, optionally quoted, then optionally an aggregate suffix (`:min`, `:@100`). A name
 * is written in quotes when, bare, it would read as something else: when it ends in what reads as an
 * aggregate suffix (a metric logged as `loss:min` is `"loss:min"`, its min `"loss:min":min`, beside
 * `loss:min`, the min of `loss`), starts with a quote, is empty, or starts or ends with whitespace. Every
 * other name is written bare, as it always was.
 */

/** The run attributes a field may name, in the table's default column order. */
export const ATTRIBUTES = [
  'id',
  'task',
  'status',
  'started',
  'duration',
  'commit',
  'branch',
  'dirty',
  'source',
] as const;

/**
 * An aggregate suffix at the end of a field name: group 1 the aggregate (`min`, `@100`), group 2 the step
 * of an `@<step>` one.
 */
export const AGGREGATE_SUFFIX = /:(last|min|max|best|@(\d+))$/;

/**
 * A name in quotes as field names and the filter language read it: `"…"`, with `\` before a `"` or a `\`
 * inside.
 */
export function quoteName(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/** `text` as a field name: quoted (see the module's comment) only when bare it would read as another. */
function fieldText(text: string): string {
  return text === '' || text !== text.trim() || /^["']/.test(text) || AGGREGATE_SUFFIX.test(text)
    ? quoteName(text)
    : text;
}

/**
 * A metric's name as a field (before any aggregate): `metrics.<name>` when its bare name would read as
 * another field (an attribute, as `duration`; or a name starting with `params.` or `metrics.`), else the
 * name itself; either quoted when bare it would read as another name (`"loss:min"` for the metric logged
 * as `loss:min`, `" loss"`; see the module's comment). Distinct names give distinct field names.
 */
export function metricFieldName(name: string): string {
  const other =
    (ATTRIBUTES as readonly string[]).includes(name) ||
    name.startsWith('params.') ||
    name.startsWith('metrics.');
  return fieldText(other ? `metrics.${name}` : name);
}

/** A param's name as a field: `params.<key>`, quoted when bare it would read as another (`"params.lr:min"`). */
export function paramFieldName(key: string): string {
  return fieldText(`params.${key}`);
}
