/**
 * The fields of a run that the experiments table, `xlens runs --columns/--sort/--filter` and the compare
 * views read: the run's attributes (task, status, started, duration, commit, dirty, ...), each param
 * (flattened keys, as run.json records them) and each metric, seen through an aggregate (last, min, max,
 * best, or the value at a step). One module, so a column, a sort key and a filter name the same value.
 */
import { ownValue } from '../../shared/dict';
import type { FieldValue as SharedFieldValue } from '../../shared/fieldOrder';
import { ATTRIBUTES, metricFieldName, paramFieldName } from '../../shared/fieldNaming';
import { summaryValue } from '../runs/summaries';
import type { RunRecord } from '../runs/types';

export { ATTRIBUTES };

/** The `source` attribute of the workspace's own runs (imported runs read their tool: `TensorBoard`, ...). */
export const OWN_SOURCE = 'xlens';

/** One of {@link ATTRIBUTES}. */
export type Attribute = (typeof ATTRIBUTES)[number];

/**
 * Which value of a metric's series a field reads: the last value, the smallest, the largest, the best
 * (smallest for loss-like names, largest otherwise: `metricGoal`), or the value recorded at a step (the
 * last point at that step; missing when the run has no point there).
 */
export type Aggregate = 'last' | 'min' | 'max' | 'best' | { step: number };

/** What a column, sort key or filter reads from a run. */
export type Field =
  | { kind: 'attribute'; name: Attribute }
  | { kind: 'param'; name: string }
  | { kind: 'metric'; name: string; aggregate: Aggregate };

/** A value read from a run: a number, a string, a boolean, or `null` when the run has none. */
export type FieldValue = SharedFieldValue;

/**
 * The value of a metric at a step, when a field asks for one (`{ step: N }`): loaded from the run's
 * metrics by the caller (the table keeps no series). `undefined` when the run has no point there.
 */
export type StepValueLookup = (runId: string, metric: string, step: number) => number | undefined;

/** The text of an aggregate in column names and specs: `last`, `min`, `max`, `best`, `@100`. */
export function aggregateText(aggregate: Aggregate): string {
  return typeof aggregate === 'object' ? `@${aggregate.step}` : aggregate;
}

/**
 * The canonical name of a field, used as a column id and in CSV headers: `task`, `params.lr`,
 * `val_loss` (a metric's last value), `val_loss:min`, `val_loss:@100`. A metric whose bare name
 * `parseFieldName` reads as another field has the `metrics.` prefix: one named like an attribute
 * (`metrics.duration` beside the attribute `duration`) or starting with `params.` or `metrics.`
 * (`metrics.params.lr` beside the param `params.lr`). A name that bare would read as another name is
 * quoted: a metric logged as `loss:min` is `"loss:min"` (its min `"loss:min":min`) beside `loss:min`, the
 * min of `loss` (see shared/fieldNaming.ts). So two fields never share an id, and `parseFieldName` reads
 * an id back as its field.
 */
export function fieldId(field: Field): string {
  switch (field.kind) {
    case 'attribute':
      return field.name;
    case 'param':
      return paramFieldName(field.name);
    case 'metric': {
      const name = metricFieldName(field.name);
      return field.aggregate === 'last' ? name : `${name}:${aggregateText(field.aggregate)}`;
    }
  }
}

/**
 * Reads `field` from `run`.
 * - attributes: `started` is the ISO time the run started (or was created), `duration` in ms (a running
 *   run's time so far is not counted: `null`), `commit` the 40-hex SHA, `dirty` whether uncommitted code
 *   was snapshotted, `source` what logged the run (`xlens`, or the tool of an imported run: `TensorBoard`),
 *   `status` missing for an imported run whose logs record none;
 * - params: the recorded value (run.json keeps flattened keys), `null` when the run has no such param;
 * - metrics: the summary's value for the aggregate, `null` when the run has no finite value of the metric.
 * @param stepValue needed only for `{ step }` aggregates; without it they read `null`.
 */
export function fieldValue(run: RunRecord, field: Field, stepValue?: StepValueLookup): FieldValue {
  switch (field.kind) {
    case 'attribute':
      return attributeValue(run, field.name);
    case 'param': {
      const value = ownValue(run.params, field.name);
      return value === undefined ? null : value;
    }
    case 'metric': {
      const summary = ownValue(run.metrics, field.name);
      const aggregate = field.aggregate;
      if (typeof aggregate === 'object') {
        return stepValue?.(run.id, field.name, aggregate.step) ?? null;
      }
      return !summary || summary.count === 0 ? null : summaryValue(field.name, summary, aggregate);
    }
  }
}

function attributeValue(run: RunRecord, name: Attribute): FieldValue {
  switch (name) {
    case 'id':
      return run.id;
    case 'task':
      return run.task;
    case 'status':
      // A run imported from logs that record no status (TensorBoard, CSV) has none.
      return run.imported && run.imported.status === undefined ? null : run.status;
    case 'started':
      return run.startedAt ?? (run.createdAt === '' ? null : run.createdAt);
    case 'duration':
      return run.durationMs ?? null;
    case 'commit':
      return run.git.commit;
    case 'branch':
      return run.git.branch;
    case 'dirty':
      return run.git.commit ? run.git.dirty : null;
    case 'source':
      return run.imported?.label ?? OWN_SOURCE;
  }
}

export { compareFieldValues, sameFieldValue } from '../../shared/fieldOrder';
