/**
 * The pure parts of the Slurm executor: the job script and sbatch arguments, squeue's JSON and
 * scontrol's job line (real output of Slurm 22.05, written by test/fixtures/slurm/makeSqueueFixture.ts),
 * what each job state means for a run, and the poll interval's back-off.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../../src/core/base/errors';
import { jobScript, sbatchArgs } from '../../../src/core/executors/slurm/jobScript';
import { parseScontrolJob, parseSqueueJson } from '../../../src/core/executors/slurm/slurmClient';
import { slurmOutcome } from '../../../src/core/executors/slurm/slurmOutcome';
import { MAX_POLL_MS, SlurmPolling } from '../../../src/core/executors/slurm/slurmPolling';
import { stateMeaning } from '../../../src/core/executors/slurm/slurmStates';
import { repoRoot } from '../../helpers/xlensProcess';

const FIXTURES = join(repoRoot, 'test/fixtures/slurm');
const NO_OPTIONS = { extra: [], setup: [] };

describe('job.sh', () => {
  it('has one #SBATCH line per option, the setup lines and the command, and records the exit status', () => {
    const script = jobScript({
      runId: '20261206T150000Z-0123abcd',
      task: 'train',
      command: 'python train.py --lr "$XLENS_PARAM_LR"',
      options: {
        partition: 'gpu',
        gpus: 2,
        mem: '16G',
        extra: ['--exclusive'],
        setup: ['module load cuda/12.2'],
      },
      timeoutMs: 90 * 60_000 + 1,
    });
    const sbatch = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
    assert.deepEqual(sbatch, [
      '#SBATCH --job-name=xlens-train',
      '#SBATCH --partition=gpu',
      '#SBATCH --gpus=2',
      '#SBATCH --mem=16G',
      '#SBATCH --time=91',
      '#SBATCH --exclusive',
    ]);
    assert.ok(script.indexOf('module load cuda/12.2') < script.indexOf('python train.py'));
    assert.equal(execFileSync('sh', ['-n', '-c', script]).length, 0, 'the script parses');
  });

  it('runs the task with the environment contract and writes exit_code and the start marker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlens-jobsh-'));
    const script = jobScript({
      runId: 'r',
      task: 't',
      command: 'echo "lr=$XLENS_PARAM_LR"; exit 4',
      options: NO_OPTIONS,
    });
    writeFileSync(join(dir, 'job.sh'), script);
    let code = 0;
    let out = '';
    try {
      execFileSync('sh', [join(dir, 'job.sh')], {
        env: { ...process.env, XLENS_RUN_DIR: dir, XLENS_PARAM_LR: "0.1'; rm -rf /" },
      });
    } catch (error) {
      code = (error as { status: number }).status;
      out = String((error as { stdout: Buffer }).stdout);
    }
    assert.equal(code, 4);
    assert.equal(out, "lr=0.1'; rm -rf /\n");
    assert.equal(readFileSync(join(dir, 'exit_code'), 'utf8'), '4\n');
    assert.equal(readFileSync(join(dir, 'job_started'), 'utf8'), '');
  });

  it('refuses an unsafe value even when it did not come through the loader, naming the field', () => {
    assert.throws(
      () =>
        jobScript({
          runId: 'r',
          task: 't',
          command: 'x',
          options: { ...NO_OPTIONS, partition: 'a\n#SBATCH --uid=0' },
        }),
      (e: unknown) => e instanceof UserInputError && /executor\.slurm\.partition/.test(e.message),
    );
  });

  it('passes the run folder as sbatch arguments, doubling % for the output pattern', () => {
    assert.deepEqual(sbatchArgs('/w/100%/.xlens/runs/r', '/w/100%'), [
      '--parsable',
      '--export=ALL',
      '--chdir=/w/100%',
      '--output=/w/100%%/.xlens/runs/r/output.log',
      '--open-mode=append',
      '/w/100%/.xlens/runs/r/job.sh',
    ]);
  });
});

describe("Slurm's job states", () => {
  it('reads squeue --json: state, reason, nodes, partition, and the place of pending jobs', () => {
    const jobs = parseSqueueJson(readFileSync(join(FIXTURES, 'squeue.json'), 'utf8'), [
      '1',
      '2',
      '3',
      '4',
      '99',
    ]);
    assert.deepEqual([...jobs.keys()], ['1', '2', '3', '4']);
    assert.equal(jobs.get('1')!.state, 'FAILED');
    assert.equal(jobs.get('1')!.reason, 'NonZeroExitCode');
    assert.equal(jobs.get('2')!.state, 'RUNNING');
    assert.equal(jobs.get('2')!.reason, undefined);
    assert.equal(jobs.get('2')!.partition, 'debug');
    assert.ok(jobs.get('2')!.nodes);
    assert.deepEqual([jobs.get('3')!.reason, jobs.get('3')!.position], ['Resources', 1]);
    assert.deepEqual([jobs.get('4')!.reason, jobs.get('4')!.position], ['Priority', 2]);
  });

  it('reads a job from scontrol show job -o', () => {
    const job = parseScontrolJob(readFileSync(join(FIXTURES, 'scontrol-job.txt'), 'utf8'))!;
    assert.deepEqual(
      [job.jobId, job.state, job.reason, job.partition],
      ['1', 'FAILED', 'NonZeroExitCode', 'debug'],
    );
  });

  it('maps states to run statuses as documented', () => {
    const status = (s: string): string => `${stateMeaning(s).status}${stateMeaning(s).final ? '' : '…'}`;
    assert.deepEqual(
      [
        'PENDING',
        'RUNNING',
        'COMPLETING',
        'COMPLETED',
        'FAILED',
        'OUT_OF_MEMORY',
        'TIMEOUT',
        'NODE_FAIL',
        'PREEMPTED',
        'CANCELLED by 0',
      ].map(status),
      [
        'queued…',
        'running…',
        'running…',
        'succeeded',
        'failed',
        'failed',
        'failed',
        'failed',
        'failed',
        'cancelled',
      ],
    );
  });

  it('gives each ending its reason', () => {
    const where = { runDir: '/w/.xlens/runs/r' };
    const job = (state: string) => ({ jobId: '7', state, nodes: 'n1' });
    assert.deepEqual(slurmOutcome('7', job('COMPLETED'), { exitCode: 0, started: true }, false, where), {
      status: 'succeeded',
      exitCode: 0,
    });
    assert.match(
      slurmOutcome('7', job('FAILED'), { exitCode: 3, started: true }, false, where).error!,
      /exited with code 3/,
    );
    assert.match(
      slurmOutcome('7', job('TIMEOUT'), { exitCode: 143, started: true }, false, where).error!,
      /time limit/,
    );
    assert.match(
      slurmOutcome('7', job('OUT_OF_MEMORY'), { started: true }, false, where).error!,
      /out of memory/,
    );
    assert.match(
      slurmOutcome('7', job('FAILED'), { started: false }, false, where).error!,
      /could not write the run folder \/w\/\.xlens\/runs\/r on n1/,
    );
    assert.equal(slurmOutcome('7', job('CANCELLED'), { started: false }, true, where).error, 'cancelled');
    assert.match(
      slurmOutcome('7', job('CANCELLED'), { started: true }, false, where).error!,
      /scancel or an administrator/,
    );
    assert.match(
      slurmOutcome('7', undefined, { started: true }, false, where).error!,
      /no longer knows job 7/,
    );
  });
});

describe('the poll interval', () => {
  it('starts at the base, backs off after a minute in the same state, and starts over on a change', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const polling = new SlurmPolling(1000);
    assert.equal(polling.next('PENDING'), 1000);
    t.mock.timers.tick(30_000);
    assert.equal(polling.next('PENDING'), 1000);
    t.mock.timers.tick(31_000);
    assert.equal(polling.next('PENDING'), 1500);
    assert.equal(polling.next('PENDING'), 2250);
    for (let i = 0; i < 20; i++) {
      polling.next('PENDING');
    }
    assert.equal(polling.next('PENDING'), MAX_POLL_MS);
    assert.equal(polling.next('RUNNING'), 1000);
  });
});
