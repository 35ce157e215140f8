/**
 * A task's `executor:` (and the file's top-level default) in `xlens.yaml`: `local`, or `slurm:` with
 * sbatch options. The schema checks the shape; here every value that ends up in a `#SBATCH` line of
 * the run's `job.sh` is checked against a safe pattern (names, counts, sizes, Slurm time formats), so
 * nothing from the workspace but the user's own `run:` and `setup:` becomes shell code. Problems are
 * user errors at the value's line and column.
 */
import type { UserInputError } from '../base/errors';
import type { ExecutorConfig, SlurmOptions } from './types';
import type { YamlPath, YamlSource } from './yamlSource';

/**
 * Safe patterns of the sbatch options, by `xlens.yaml` key (see sbatch(1),
 * https://slurm.schedmd.com/sbatch.html, for the formats).
 */
export const SLURM_VALUE_PATTERNS: Readonly<Record<string, { pattern: RegExp; example: string }>> = {
  partition: { pattern: /^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64})*$/, example: 'gpu' },
  account: { pattern: /^[A-Za-z0-9_.-]{1,64}$/, example: 'my-lab' },
  qos: { pattern: /^[A-Za-z0-9_.-]{1,64}$/, example: 'normal' },
  constraint: { pattern: /^[A-Za-z0-9_.&|*[\]()!:,-]{1,200}$/, example: 'a100|h100' },
  mem: { pattern: /^\d{1,9}[KMGT]?$/, example: '16G' },
  time: { pattern: /^(\d{1,4}-)?\d{1,6}(:\d{1,2}){0,2}$/, example: '2:00:00' },
  gpus_per_node: { pattern: /^([A-Za-z0-9_.-]{1,32}:)?\d{1,3}$/, example: 'a100:2' },
};

/** An `extra:` line: one sbatch option, printable characters only (no newline or control character). */
const EXTRA_PATTERN = /^--?[A-Za-z][A-Za-z0-9_-]*(=[\x20-\x7e\u00a0-\uffff]*)?$/;

/**
 * The executor declared at `path` (a task's or the top level's `executor`), or undefined when none.
 * Problems are pushed to `errors` (the executor is then undefined).
 */
export function readExecutor(
  raw: unknown,
  source: YamlSource,
  path: YamlPath,
  errors: UserInputError[],
): ExecutorConfig | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (raw === 'local') {
    return { type: 'local' };
  }
  if (typeof raw === 'string') {
    errors.push(
      source.error(
        `executor ${JSON.stringify(raw)} is not one xlens knows: write \`executor: local\` (this machine, the default) or \`executor: {slurm: {partition: …}}\` (see the README, Running on a Slurm cluster).`,
        path,
      ),
    );
    return undefined;
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || !('slurm' in raw)) {
    return undefined; // the schema reports it
  }
  const slurm = ((raw as { slurm?: unknown }).slurm ?? {}) as Record<string, unknown>;
  const at = (...rest: (string | number)[]): YamlPath => [...path, 'slurm', ...rest];
  const before = errors.length;
  const text = (key: string): string | undefined => {
    const value = slurm[key];
    if (typeof value !== 'string' && typeof value !== 'number') {
      return undefined; // absent, or the schema reports it
    }
    const written = String(value);
    const rule = SLURM_VALUE_PATTERNS[key];
    if (rule && !rule.pattern.test(written)) {
      errors.push(
        source.error(
          `executor.slurm.${key} ${JSON.stringify(written)} is not a valid sbatch value here; write e.g. ${key}: ${rule.example} (letters, digits and the characters Slurm uses for it; see sbatch --${key.replace(/_/g, '-')}).`,
          at(key),
        ),
      );
    }
    return written;
  };
  const count = (key: string): number | undefined =>
    typeof slurm[key] === 'number' ? slurm[key] : undefined;
  const lines = (key: 'extra' | 'setup'): string[] => {
    const value = slurm[key];
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : [];
    if (key === 'extra') {
      list.forEach((line, i) => {
        if (!EXTRA_PATTERN.test(line)) {
          errors.push(
            source.error(
              `executor.slurm.extra ${JSON.stringify(line)} is not one sbatch option; write one option per item, e.g. "--exclusive" or "--mail-type=END".`,
              typeof value === 'string' ? at('extra') : at('extra', i),
            ),
          );
        }
      });
    }
    return list;
  };
  const options: SlurmOptions = {
    ...defined('partition', text('partition')),
    ...defined('gpus', count('gpus')),
    ...defined('gpusPerNode', text('gpus_per_node')),
    ...defined('cpusPerTask', count('cpus_per_task')),
    ...defined('mem', text('mem')),
    ...defined('time', text('time')),
    ...defined('nodes', count('nodes')),
    ...defined('account', text('account')),
    ...defined('qos', text('qos')),
    ...defined('constraint', text('constraint')),
    extra: lines('extra'),
    setup: lines('setup'),
  };
  return errors.length > before ? undefined : { type: 'slurm', slurm: options };
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
