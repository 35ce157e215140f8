// @ts-check
// Runs the Node test suites (node:test) over TypeScript sources through tsx.
// Usage: node scripts/test.mjs [unit|integration|robustness ...]
//   default: every node:test tier that exists: unit (pure, in-process, fast), integration (spawns
//   processes, git, jobs, a browser) and robustness (bad input, faults, hostile workspaces).
// Test files are named by where they run: *.test.ts run here; test/extension and test/e2e have their own
// runners. `fixtures` folders hold test data, never tests, and are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The node:test tiers, cheapest first; a tier whose folder does not exist is left out of the default run. */
const TIERS = ['unit', 'integration', 'robustness'];

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = process.argv.slice(2);

/**
 * The Slurm suite (test/slurm/) starts a real single-node cluster from the Debian packages that
 * `.ci/run` installs; the default run includes it when they are installed (and it runs as root, which
 * starting the daemons needs) and says why when not.
 */
const SLURM_PROGRAMS = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'];
const defaultTiers = [...TIERS];
if (suites.length === 0) {
  if (!SLURM_PROGRAMS.every((p) => existsSync(p))) {
    console.log(
      'Left out test/slurm: Slurm is not installed (apt-get install slurmctld slurmd slurm-client munge, as .ci/run does).',
    );
  } else if (process.getuid?.() !== 0) {
    console.log('Left out test/slurm: it starts Slurm daemons and a mount namespace, which needs root.');
  } else {
    defaultTiers.push('slurm');
  }
}
const folders =
  suites.length > 0
    ? suites.map((s) => join(root, 'test', s))
    : defaultTiers.map((s) => join(root, 'test', s)).filter((dir) => existsSync(dir));

/**
 * Every `*.test.ts` under `dir`, skipping `fixtures` folders.
 * @param {string} dir
 * @returns {string[]}
 */
function find(dir) {
  /** @type {string[]} */
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'fixtures' ? [] : find(path);
    }
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = folders.flatMap(find).sort();
if (files.length === 0) {
  console.error(`No test files under ${folders.map((f) => relative(root, f)).join(', ')}`);
  process.exit(1);
}
// Unit tests are pure and in-process, so their files may run side by side on every core (node:test's
// default leaves one core free: one file at a time on a 2-core machine). Other tiers keep the default.
const unitOnly = suites.length > 0 && suites.every((s) => s === 'unit');
// Each Slurm test file starts its own cluster: one at a time, so their jobs do not compete.
const slurmOnly = suites.length > 0 && suites.every((s) => s === 'slurm');
const concurrency = unitOnly
  ? [`--test-concurrency=${Math.max(2, availableParallelism())}`]
  : slurmOnly
    ? ['--test-concurrency=1']
    : [];
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    ...concurrency,
    '--test-reporter',
    'spec',
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
