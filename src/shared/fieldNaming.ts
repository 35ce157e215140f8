/**
 * How a run's fields are named, shared by the core (field ids, CSV headers, `xlens runs` columns, the
 * filter language: core/compare/fields.ts and fieldNames.ts) and the experiments table's page (its headers
 * and column chooser, webviews/table/model.ts), so that a name shown is a name the filter reads.
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
 * A metric's name as a field (before any aggregate): `metrics.<name>` when its bare name would read as
 * another field (an attribute, as `duration`; or a name starting with `params.` or `metrics.`), else the
 * name itself.
 */
export function metricFieldName(name: string): string {
  const other =
    (ATTRIBUTES as readonly string[]).includes(name) ||
    ['params.', 'metrics.'].some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
  return other ? `metrics.${name}` : name;
}
