/**
 * A real single-node Slurm cluster for the tests in test/slurm/: `munged` (when none answers yet),
 * `slurmctld` and `slurmd` from the Debian packages, with the config `test/fixtures/slurm/slurm.conf.in`
 * filled in for this host in a temp state folder. `startCluster` returns once the node is idle (polled
 * through `sinfo`, never a fixed sleep); `stop` ends exactly the daemons it started, by pid.
 *
 * `readOnly` folders are bind-mounted read-only in slurmd's own mount namespace (`unshare --mount`),
 * so jobs really cannot write there while xlens, outside that namespace, still can: as root no
 * permission bit would stop a job.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../helpers/gitRepo';

const FIXTURE = join(__dirname, '..', 'fixtures', 'slurm', 'slurm.conf.in');

/**
 * True when the Slurm and munge daemons and clients are installed (`.ci/run` installs them) and this
 * process may start them (root: the daemons, their state and the mount namespace need it).
 */
export function slurmInstalled(): boolean {
  return (
    process.getuid?.() === 0 &&
    ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'].every((p) =>
      existsSync(p),
    )
  );
}

/** A running test cluster. */
export interface TestCluster {
  /** `SLURM_CONF` and the rest of the environment for Slurm's clients (and so for xlens). */
  env: NodeJS.ProcessEnv;
  /** The one node's name. */
  node: string;
  /** CPUs of the node. */
  cpus: number;
  /** The daemons' logs, for a failing test's message. */
  logs(): string;
  /** Stops the daemons this cluster started (by pid) and waits for them to exit. */
  stop(): Promise<void>;
}

/** Starts the cluster; see the module comment. @throws Error when the node does not become idle in 60 s. */
export async function startCluster(
  options: { readOnly?: string[]; cpus?: number } = {},
): Promise<TestCluster> {
  const state = tempDir('xlens-slurm-');
  mkdirSync(join(state, 'ctld'));
  mkdirSync(join(state, 'd'));
  const node = hostname();
  const cpus = options.cpus ?? Math.min(availableParallelism(), 2);
  const port = 17000 + Math.floor(Math.random() * 2000) * 2;
  const conf = readFileSync(FIXTURE, 'utf8')
    .replaceAll('@HOST@', node)
    .replaceAll('@STATE@', state)
    .replaceAll('@CPUS@', String(cpus))
    .replaceAll('@CTLD_PORT@', String(port))
    .replaceAll('@SLURMD_PORT@', String(port + 1));
  const confFile = join(state, 'slurm.conf');
  writeFileSync(confFile, conf);
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: confFile };
  const started: ChildProcess[] = [];
  if (spawnSync('munge', ['-n'], { stdio: 'ignore' }).status !== 0) {
    mkdirSync('/run/munge', { recursive: true });
    started.push(spawn('/usr/sbin/munged', ['--foreground', '--force'], { stdio: 'ignore' }));
    await waitFor(() => spawnSync('munge', ['-n'], { stdio: 'ignore' }).status === 0, 'munged to answer');
  }
  started.push(spawn('/usr/sbin/slurmctld', ['-D', '-i', '-f', confFile], { env, stdio: 'ignore' }));
  const ro = options.readOnly ?? [];
  const mounts = ro.map((_, i) => `mount --bind -o ro "$${i + 1}" "$${i + 1}" && `).join('');
  started.push(
    spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        `${mounts}exec /usr/sbin/slurmd -D -f "$XLENS_SLURM_CONF"`,
        'sh',
        ...ro,
      ],
      { env: { ...env, XLENS_SLURM_CONF: confFile }, stdio: 'ignore' },
    ),
  );
  // A test process that ends without `stop()` (killed by a timeout) leaves no daemon behind.
  const killAll = (): void =>
    started.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  process.once('exit', killAll);
  const logs = (): string =>
    ['slurmctld.log', 'slurmd.log']
      .map((f) => {
        try {
          return `== ${f}\n${readFileSync(join(state, f), 'utf8').slice(-4000)}`;
        } catch {
          return `== ${f}: none`;
        }
      })
      .join('\n');
  const cluster: TestCluster = {
    env,
    node,
    cpus,
    logs,
    async stop() {
      process.off('exit', killAll);
      // Jobs left by a failed test would outlive slurmd (their processes are not its children).
      spawnSync('scancel', ['--full', '--user', String(process.getuid?.() ?? 0)], { env, stdio: 'ignore' });
      await waitFor(() => activeJobs(env) === 0, 'the jobs to end', 30_000).catch(() => undefined);
      for (const child of started.reverse()) {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
      }
    },
  };
  try {
    await waitFor(
      () => {
        const dead = started.find((c) => c.exitCode !== null || c.signalCode !== null);
        if (dead) {
          throw new Error(`${dead.spawnfile} exited before the node was idle`);
        }
        return nodeState(env) === 'idle';
      },
      'the node to be idle',
      60_000,
    );
  } catch (error) {
    await cluster.stop();
    throw new Error(`${(error as Error).message}\n${logs()}`);
  }
  return cluster;
}

/** The node's state as `sinfo` reports it (`idle`, `mix`, `alloc`, `down*`...), or '' before slurmctld answers. */
export function nodeState(env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('sinfo', ['-h', '-o', '%t'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** The jobs pending, running or completing, or -1 when squeue does not answer. */
function activeJobs(env: NodeJS.ProcessEnv): number {
  const out = spawnSync('squeue', ['-h', '-t', 'PD,R,CG', '-o', '%i'], { env, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.split('\n').filter((l) => l.trim() !== '').length : -1;
}

/** Polls `check` every 100 ms until it holds. @throws Error naming `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
