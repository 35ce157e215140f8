/**
 * Field names as users type them in `--columns`, `--sort`, filter expressions and the table's column
 * chooser: `task`, `params.lr`, `val_accuracy`, `val_loss:min`, `loss:@100`, `metrics.duration` (a
 * metric whose name is also an attribute: `duration` is the run's duration), `"loss:min":max` (a metric
 * whose name ends like an aggregate, quoted: shared/fieldNaming.ts). Resolved against the
 * params and metrics the runs have, so a misspelt name is an error with a suggestion instead of an
 * empty column.
 */
import { UserInputError } from '../base/errors';
import { closest } from '../config/suggest';
import type { RunRecord } from '../runs/types';
import { AGGREGATE_SUFFIX, metricFieldName, paramFieldName, quoteName } from '../../shared/fieldNaming';
import { ATTRIBUTES, aggregateText, fieldId, type Aggregate, type Attribute, type Field } from './fields';
import { readQuoted } from './quoted';

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

/**
 * Parses a field name.
 * - `params.<key>` is a param; `metrics.<name>` a metric; an attribute name (`id`, `task`, `status`,
 *   `started`, `duration`, `commit`, `branch`, `dirty`, `source`) always the attribute, also when a
 *   metric has that name (that metric is `metrics.duration`: see `fieldId`);
 * - any other name is a metric the runs have, else a param they have;
 * - a metric may end in `:last`, `:min`, `:max`, `:best` or `:@<step>` (default `last`);
 * - a name in quotes (`"…"` or `'…'`, `\` before a quote or a backslash inside) is read the same way, but
 *   all of it is the name: an aggregate is read only after the closing quote. So `"loss:min"` is the metric
 *   logged as `loss:min` and `"loss:min":max` its max, where `loss:min` is the min of `loss`.
 *
 * Reads every `fieldId` back as its field.
 * @param what where the name came from, for messages, e.g. `--sort` or `filter at column 12`.
 * @throws UserInputError naming `what` when the name is empty, names neither a metric nor a param of the
 *   runs (also with an explicit `params.` or `metrics.`; with the closest name as a suggestion), puts an
 *   aggregate on something other than a metric, or has anything but an aggregate after a closing quote.
 */
export function parseFieldName(text: string, catalog: FieldCatalog, what: string): Field {
  const name = text.trim();
  if (name === '') {
    throw new UserInputError(`${what}: empty field name.`);
  }
  const { base, suffix } = splitSuffix(name, what);
  const match = suffix === undefined ? null : AGGREGATE_SUFFIX.exec(suffix);
  const aggregate = match ? aggregateOf(match) : undefined;
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
          ? `; the metric "${base}" is "${fieldId({ kind: 'metric', name: base, aggregate })}"`
          : '';
      throw new UserInputError(
        `${what}: "${name}": the suffix "${suffix}" applies to metrics only, and "${base}" is ${field.kind === 'param' ? 'a param' : 'a run attribute'}${alsoMetric}.`,
      );
    }
    return field;
  };
  const candidates = (): string[] => [
    ...ATTRIBUTES,
    ...[...catalog.metrics].map(metricFieldName),
    ...[...catalog.params].map(paramFieldName),
  ];
  // An explicit `metrics.` or `params.` name is checked too: a misspelt one would be an empty column.
  for (const [prefix, kind, names] of [
    ['metrics.', 'metric', catalog.metrics],
    ['params.', 'param', catalog.params],
  ] as const) {
    if (base.startsWith(prefix)) {
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
  const aggregateHint = quotedAggregateHint(name, base, catalog);
  if (aggregateHint !== undefined) {
    throw new UserInputError(`${what}: no run has a metric or param "${base}"; ${aggregateHint}`);
  }
  const suggestion = closest(base, candidates());
  throw new UserInputError(
    `${what}: no run has a metric or param "${base}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} ` +
      'Name a param as params.<key>, a metric by its name (optionally :min, :max, :best, :last or :@<step>; ' +
      'a name ending in one of those, or holding spaces, in quotes: "loss:min":max), ' +
      `or a run attribute (${ATTRIBUTES.join(', ')}).`,
  );
}

/**
 * For a quoted name ending like an aggregate that is no metric of the runs (`"val_loss:min"`, as written
 * before quotes kept the suffix in the name) while the name before the suffix is one, how to write its
 * aggregate: `"val_loss":min`.
 */
function quotedAggregateHint(name: string, base: string, catalog: FieldCatalog): string | undefined {
  const match = AGGREGATE_SUFFIX.exec(base);
  const metric = match ? base.slice(0, match.index) : undefined;
  if (name === base || !match || metric === undefined || !catalog.metrics.has(metric)) {
    return undefined;
  }
  const field = metricFieldName(metric);
  const quoted = field.startsWith('"') ? field : quoteName(field);
  return `in quotes all of a name is the name: for the ${aggregateText(aggregateOf(match))} of the metric "${metric}" write ${quoted}${match[0]}.`;
}

/** The aggregate an {@link AGGREGATE_SUFFIX} match names. */
function aggregateOf(match: RegExpExecArray): Aggregate {
  return match[2] !== undefined ? { step: Number(match[2]) } : (match[1] as Aggregate);
}

/**
 * `name` split into the name and its aggregate suffix (with its `:`; `undefined` when none): a quoted
 * name is all that is inside its quotes, followed by nothing or a suffix; a bare one ends before a suffix.
 */
function splitSuffix(name: string, what: string): { base: string; suffix: string | undefined } {
  if (name.startsWith('"') || name.startsWith("'")) {
    const quote = name[0];
    const { text, end } = readQuoted(name, 0, what, `end the quoted name with ${quote}`);
    const rest = name.slice(end);
    if (rest !== '' && AGGREGATE_SUFFIX.exec(rest)?.index !== 0) {
      throw new UserInputError(
        `${what}: "${name}": after the quoted name ${quoteName(text)} only an aggregate may follow ` +
          `(:last, :min, :max, :best or :@<step>), not "${rest}"; put the whole name in the quotes.`,
      );
    }
    return { base: text, suffix: rest === '' ? undefined : rest };
  }
  const match = AGGREGATE_SUFFIX.exec(name);
  return match ? { base: name.slice(0, match.index), suffix: match[0] } : { base: name, suffix: undefined };
}
