/**
 * Locates the scripts of the processes Experiment Lens spawns (the built-in trainer, the drift job,
 * the CLI used as a detached run supervisor, the metrics worker), both from the bundles in `dist/`
 * and from TypeScript sources when running under tsx (tests, `npm run` scripts before a build).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bundled entry name (in `dist/<name>.js`) → source file relative to the repository root. */
export const ENTRYPOINTS = {
  cli: 'src/cli/main.ts',
  trainer: 'src/core/train/main.ts',
  driftJob: 'src/core/drift/job.ts',
  evalJob: 'src/core/eval/job.ts',
  monitorJob: 'src/core/monitor/job.ts',
  metricsWorker: 'src/core/metrics/discovery/worker.ts',
} as const;

export type EntrypointName = keyof typeof ENTRYPOINTS;

/** How to start an entry with `child_process.spawn(process.execPath, [...execArgv, script, ...args])`. */
export interface EntrypointCommand {
  /** Extra Node flags (e.g. `--import tsx` when running from sources). */
  execArgv: string[];
  /** Absolute path of the script. */
  script: string;
}

/**
 * Resolves an entry. From a bundle (this code running as `dist/*.js`) it is the sibling
 * `dist/<name>.js`; from sources it is the `.ts` file run through tsx.
 * @throws Error when neither the bundle nor the source file exists.
 */
export function resolveEntrypoint(name: EntrypointName, here: string = __dirname): EntrypointCommand {
  const bundled = join(here, `${name}.js`);
  if (existsSync(bundled)) {
    return { execArgv: [], script: bundled };
  }
  const repoRoot = findRepoRoot(here);
  const source = join(repoRoot, ENTRYPOINTS[name]);
  if (existsSync(source)) {
    // An absolute loader URL: a bare `--import tsx` resolves from the child's cwd (the user's workspace).
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [repoRoot] })).href;
    return { execArgv: ['--import', tsx], script: source };
  }
  throw new Error(
    `Cannot find the ${name} entry: neither ${bundled} nor ${source} exists. Run "npm run build".`,
  );
}

function findRepoRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) {
      return dir;
    }
    const parent = resolve(dir, '..');
    if (parent === dir) {
      return resolve(from, '..', '..', '..');
    }
    dir = parent;
  }
}
