/**
 * Pairs training and validation metrics so they share one chart: `loss` with `val_loss`, `accuracy` with
 * `val_accuracy`, `train/loss` with `val/loss` or `eval/loss` (DVCLive, Hugging Face), `train_loss` with
 * `valid_loss`, and so on.
 */

/** Whether a metric measures the training data or held-out data. */
export type MetricRole = 'train' | 'validation';

/** One metric of a group. */
export interface MetricGroupMember {
  /** The metric name as recorded. */
  name: string;
  role: MetricRole;
}

/** Metrics drawn together in one chart. */
export interface MetricGroup {
  /** The shared base name (`loss` for `loss`/`val_loss`); unique among the groups. */
  key: string;
  /** Chart title: the base name for a pair, the metric name for a metric on its own. */
  title: string;
  /** Training metrics first, then validation metrics, each in the order given. */
  members: MetricGroupMember[];
}

/** Prefixes (lowercase, with their separator) that mark a metric of held-out data. */
const VALIDATION_PREFIXES = [
  'val_',
  'val/',
  'val-',
  'valid_',
  'valid/',
  'validation_',
  'validation/',
  'eval_',
  'eval/',
];
/** Prefixes that mark a metric of the training data explicitly. */
const TRAIN_PREFIXES = ['train_', 'train/', 'train-', 'training_', 'training/'];

/**
 * Splits a metric name into its base name and role. Names without a known prefix are training metrics
 * with themselves as base (`loss` → `{ base: 'loss', role: 'train' }`); prefixes match case-insensitively
 * (`Val_Loss` → base `Loss`). A name that is only a prefix (`val_`) is kept whole.
 */
export function parseMetricName(name: string): { base: string; role: MetricRole } {
  const lower = name.toLowerCase();
  for (const [prefixes, role] of [
    [VALIDATION_PREFIXES, 'validation'],
    [TRAIN_PREFIXES, 'train'],
  ] as const) {
    const prefix = prefixes.find((p) => lower.startsWith(p) && name.length > p.length);
    if (prefix !== undefined) {
      return { base: name.slice(prefix.length), role };
    }
  }
  return { base: name, role: 'train' };
}

/**
 * Groups metric names into charts. Groups come in the order their first member appears in `names`;
 * a base with a single metric becomes a group titled by that metric's full name.
 *
 * @param names metric names, e.g. the keys of a run's series map (duplicates are ignored).
 */
export function groupMetrics(names: Iterable<string>): MetricGroup[] {
  const groups = new Map<string, MetricGroupMember[]>();
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      continue;
    }
    seen.add(name);
    const { base, role } = parseMetricName(name);
    const members = groups.get(base) ?? [];
    members.push({ name, role });
    groups.set(base, members);
  }
  return [...groups].map(([base, members]) => ({
    key: base,
    title: members.length === 1 ? members[0].name : base,
    members: [
      ...members.filter((m) => m.role === 'train'),
      ...members.filter((m) => m.role === 'validation'),
    ],
  }));
}
