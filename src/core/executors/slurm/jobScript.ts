/**
 * The batch script of a Slurm run (`job.sh`, kept in the run folder) and the sbatch command line that
 * submits it. Only the task's own `setup:` lines and `run:` command are shell code in the script; the
 * run folder, working directory, params and the rest of the environment contract (`XLENS_RUN_ID`,
 * `XLENS_METRICS_FILE`, `XLENS_PARAM_*`, ...) reach the job through sbatch's argument vector and its
 * exported environment (`--export=ALL`), and every `#SBATCH` value was checked against a safe pattern
 * (`core/config/executorConfig.ts`; checked again here). See sbatch(1),
 * https://slurm.schedmd.com/sbatch.html.
 */
import { join } from 'node:path';
import { UserInputError } from '../../base/errors';
import { SLURM_VALUE_PATTERNS } from '../../config/executorConfig';
import type { SlurmOptions } from '../../config/types';

/** Files of a Slurm run in its run folder, besides the usual ones (`core/runs/store.ts` RUN_FILES). */
export const SLURM_FILES = {
  /** The batch script submitted. */
  script: 'job.sh',
  /** Created by the job as its first act: proves the job could write the run folder. */
  started: 'job_started',
} as const;

/** Exit code of `job.sh` when it cannot write the run folder (before the task's code runs). */
export const RUN_FOLDER_NOT_WRITABLE_EXIT = 90;

/** What {@link jobScript} needs of the run. */
export interface JobScriptInput {
  runId: string;
  task: string;
  /** The task's `run:` command, as the local runner runs it (params as `$XLENS_PARAM_*` variables). */
  command: string;
  options: SlurmOptions;
  /** The task's `timeout:` in ms: becomes `--time` (rounded up to minutes) when `time:` is not given. */
  timeoutMs?: number;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/;

/**
 * The text of `job.sh`: `#SBATCH` lines from the options, then a POSIX shell script that proves the
 * run folder is writable (else prints why and exits {@link RUN_FOLDER_NOT_WRITABLE_EXIT}), runs the
 * `setup:` lines and the command in a subshell (so an `exit` there still lets the script record the
 * status), and writes the exit status to `exit_code` atomically, as the local runner's wrapper does
 * (`core/runner/processTree.ts`). SIGTERM from `scancel` or the time limit reaches the task (Slurm
 * signals every process of the job); the script traps it to outlive the task and record its status.
 * @throws UserInputError naming the field when a value is not safe for a `#SBATCH` line.
 */
export function jobScript(input: JobScriptInput): string {
  const o = input.options;
  if (!SAFE_NAME.test(input.task)) {
    throw new UserInputError(
      `task name ${JSON.stringify(input.task)} cannot name a Slurm job; use letters, digits, _ . -`,
    );
  }
  const time =
    o.time ??
    (input.timeoutMs !== undefined ? String(Math.max(1, Math.ceil(input.timeoutMs / 60_000))) : undefined);
  const lines: string[] = [`--job-name=xlens-${input.task}`];
  const add = (field: string, flag: string, value: string | number | undefined): void => {
    if (value === undefined) {
      return;
    }
    const text = String(value);
    const rule = SLURM_VALUE_PATTERNS[field];
    if ((rule && !rule.pattern.test(text)) || (typeof value === 'number' && !Number.isInteger(value))) {
      throw new UserInputError(
        `executor.slurm.${field} ${JSON.stringify(text)} is not a valid sbatch value; write e.g. ${field}: ${rule?.example ?? '1'}.`,
      );
    }
    lines.push(`--${flag}=${text}`);
  };
  add('partition', 'partition', o.partition);
  add('nodes', 'nodes', o.nodes);
  add('gpus', 'gpus', o.gpus);
  add('gpus_per_node', 'gpus-per-node', o.gpusPerNode);
  add('cpus_per_task', 'cpus-per-task', o.cpusPerTask);
  add('mem', 'mem', o.mem);
  add('time', 'time', time);
  add('account', 'account', o.account);
  add('qos', 'qos', o.qos);
  add('constraint', 'constraint', o.constraint);
  for (const extra of o.extra) {
    if (!/^-[\x20-\x7e\u00a0-\uffff]*$/.test(extra)) {
      throw new UserInputError(`executor.slurm.extra ${JSON.stringify(extra)} is not one sbatch option.`);
    }
    lines.push(extra);
  }
  return [
    '#!/bin/sh',
    `# job.sh of xlens run ${input.runId} (task ${input.task}), submitted with sbatch --parsable.`,
    '# The run folder, working directory and environment (XLENS_RUN_ID, XLENS_METRICS_FILE, XLENS_PARAM_*)',
    "# come from sbatch's command line and exported environment; setup and run below are the task's own code.",
    ...lines.map((l) => `#SBATCH ${l}`),
    'xlens_dir=${XLENS_RUN_DIR:?XLENS_RUN_DIR is not set}',
    `if ! : >"$xlens_dir/${SLURM_FILES.started}" 2>/dev/null; then`,
    '  echo "xlens: the job cannot write the run folder $xlens_dir on $(hostname)" >&2',
    `  exit ${RUN_FOLDER_NOT_WRITABLE_EXIT}`,
    'fi',
    'trap : HUP INT TERM',
    '(',
    ...o.setup,
    input.command,
    ')',
    'xlens_status=$?',
    '{ printf \'%s\\n\' "$xlens_status" >"$xlens_dir/exit_code.tmp" && mv -f "$xlens_dir/exit_code.tmp" "$xlens_dir/exit_code"; } 2>/dev/null',
    'exit "$xlens_status"',
    '',
  ].join('\n');
}

/**
 * The arguments of `sbatch` for a run: `--parsable`, the exported environment, the working directory
 * and `output.log` in the run folder (stdout and stderr, appended), then the script. Slurm expands
 * `%` patterns in `--output`, so a `%` of the path is doubled (sbatch(1), "filename pattern").
 */
export function sbatchArgs(runDir: string, cwd: string): string[] {
  const output = join(runDir, 'output.log').replace(/%/g, '%%');
  return [
    '--parsable',
    '--export=ALL',
    `--chdir=${cwd}`,
    `--output=${output}`,
    '--open-mode=append',
    join(runDir, SLURM_FILES.script),
  ];
}
