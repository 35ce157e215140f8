/**
 * Field names as users type them in `--columns`, `--sort`, filter expressions and the table's column
 * chooser: `task`, `params.lr`, `val_accuracy`, `val_loss:min`, `loss:@100`, `metrics.duration` (a
 * metric whose name is also an attribute: `duration` is the run's duration). Resolved against the
 * params and metrics the runs have, so a misspelt name is an error with a suggestion instead of an
 * empty column.
 */
import { UserInputError } from '../base/errors';
import { closest } from '../config/suggest';
import type { RunRecord } from '../runs/types';
import { metricFieldName } from '../../shared/fieldNaming';
import { ATTRIBUTES, type Aggregate, type Attribute, type Field } from './fields';

/** The param and metric names of a set of runs (own keys of run.json's `params` and `metrics`). */
export interface FieldCatalog {
  params: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

/** The {@link FieldCatalog} of `runs`. */
export function fieldCatalog(runs: Iterable<RunRecord>): FieldCatalog {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.params)) {
      params.add(name);
    }
    for (const name of Object.keys(run.metrics)) {
      metrics.add(name);
    }
  }
  return { params, metrics };
}

const AGGREGATE = /:(last|min|max|best|@(\d+))$/;

/**
 * Parses a field name.
 * - `params.<key>` is a param; `metrics.<name>` a metric; an attribute name (`id`, `task`, `status`,
 *   `started`, `duration`, `commit`, `branch`, `dirty`, `source`) always the attribute, also when a
 *   metric has that name (that metric is `metrics.duration`: see `fieldId`);
 * - any other name is a metric the runs have, else a param they have;
 * - a metric may end in `:last`, `:min`, `:max`, `:best` or `:@<step>` (default `last`).
 *
 * @param what where the name came from, for messages, e.g. `--sort` or `filter at column 12`.
 * @throws UserInputError naming `what` when the name is empty, names neither a metric nor a param of the
 *   runs (also with an explicit `params.` or `metrics.`; with the closest name as a suggestion), or puts an aggregate on something other than a metric.
 */
export function parseFieldName(text: string, catalog: FieldCatalog, what: string): Field {
  const name = text.trim();
  if (name === '') {
    throw new UserInputError(`${what}: empty field name.`);
  }
  const match = AGGREGATE.exec(name);
  const base = match ? name.slice(0, match.index) : name;
  const aggregate: Aggregate | undefined = match
    ? match[2] !== undefined
      ? { step: Number(match[2]) }
      : (match[1] as Aggregate)
    : undefined;
  if (aggregate !== undefined && typeof aggregate === 'object' && !Number.isSafeInteger(aggregate.step)) {
    throw new UserInputError(`${what}: step ${match![2]} in "${name}" is too large.`);
  }
  const metric = (metricName: string): Field => ({
    kind: 'metric',
    name: metricName,
    aggregate: aggregate ?? 'last',
  });
  const notMetric = (field: Field): Field => {
    if (aggregate !== undefined) {
      const alsoMetric =
        field.kind === 'attribute' && catalog.metrics.has(base)
          ? `; the metric "${base}" is "metrics.${name}"`
          : '';
      throw new UserInputError(
        `${what}: "${name}": ${aggregateSuffix(match![0])} applies to metrics only, and "${base}" is ${field.kind === 'param' ? 'a param' : 'a run attribute'}${alsoMetric}.`,
      );
    }
    return field;
  };
  const candidates = (): string[] => [
    ...ATTRIBUTES,
    ...[...catalog.metrics].map(metricFieldName),
    ...[...catalog.params].map((p) => `params.${p}`),
  ];
  // An explicit `metrics.` or `params.` name is checked too: a misspelt one would be an empty column.
  for (const [prefix, kind, names] of [
    ['metrics.', 'metric', catalog.metrics],
    ['params.', 'param', catalog.params],
  ] as const) {
    if (base.startsWith(prefix) && base.length > prefix.length) {
      const own = base.slice(prefix.length);
      if (!names.has(own)) {
        const suggestion = closest(base, candidates());
        throw new UserInputError(
          `${what}: no run has a ${kind} "${own}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} ` +
            `\`xlens show <run>\` lists the params and metrics of a run.`,
        );
      }
      return kind === 'metric' ? metric(own) : notMetric({ kind: 'param', name: own });
    }
  }
  if ((ATTRIBUTES as readonly string[]).includes(base)) {
    return notMetric({ kind: 'attribute', name: base as Attribute });
  }
  if (catalog.metrics.has(base)) {
    return metric(base);
  }
  if (catalog.params.has(base)) {
    return notMetric({ kind: 'param', name: base });
  }
  const suggestion = closest(base, candidates());
  throw new UserInputError(
    `${what}: no run has a metric or param "${base}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} ` +
      'Name a param as params.<key>, a metric by its name (optionally :min, :max, :best, :last or :@<step>), ' +
      `or a run attribute (${ATTRIBUTES.join(', ')}).`,
  );
}

function aggregateSuffix(suffix: string): string {
  return `the suffix "${suffix}"`;
}
