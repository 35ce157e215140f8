/**
 * What each command may do in an untrusted workspace (VS Code's Restricted Mode). Tasks in `xlens.yaml`
 * run code from the workspace, so in Restricted Mode nothing starts; browsing runs, dashboards and drift
 * reports works, because those only read files with Experiment Lens's own code. Cancelling is blocked too:
 * it signals the process id a `run.json` names, and a workspace we do not trust could name any process.
 *
 * Pure (no `vscode`): the command registration in `registerCommand.ts` asks {@link decideTrust} before a
 * handler runs, and unit tests check every command's verdict and message.
 */
import { Commands, type CommandKey, type CommandSpec } from './ids';

/** `runs`: starts or signals processes, needs a trusted workspace. `browses`: reads only, always allowed. */
export type TrustNeed = 'runs' | 'browses';

/**
 * Every command's need, keyed by the command table so a new command fails to compile until it is
 * classified here.
 */
export const TRUST_NEEDS: Record<CommandKey, TrustNeed> = {
  runTask: 'runs',
  runTaskWithParams: 'runs',
  rerun: 'runs',
  cancelRun: 'runs',
  openRunDashboard: 'browses',
  showRunOutput: 'browses',
  deleteRun: 'browses',
  copyRunId: 'browses',
  revealRunFolder: 'browses',
  refresh: 'browses',
  createConfig: 'browses',
  showLog: 'browses',
  showDriftReport: 'browses',
};

/** What the user is told they cannot do, per command that needs trust. */
const BLOCKED_WHAT: Partial<Record<CommandKey, string>> = {
  runTask: 'Running tasks',
  runTaskWithParams: 'Running tasks',
  rerun: 'Re-running runs',
  cancelRun: 'Cancelling runs',
};

/** The outcome of {@link decideTrust}. */
export type TrustDecision = { allowed: true } | { allowed: false; message: string };

/** The message shown when `what` (e.g. "Running tasks") is blocked in Restricted Mode. */
export function restrictedModeMessage(what: string): string {
  return (
    `${what} is disabled in Restricted Mode: tasks run code from this workspace, so Experiment Lens runs ` +
    'them only in a trusted workspace. Browsing runs and dashboards still works.'
  );
}

/**
 * Whether `command` may run now. Commands of other extensions or unknown ids are allowed (they are not
 * ours to police).
 * @param trusted `vscode.workspace.isTrusted`.
 */
export function decideTrust(command: Pick<CommandSpec, 'id'>, trusted: boolean): TrustDecision {
  if (trusted) {
    return { allowed: true };
  }
  const key = (Object.keys(Commands) as CommandKey[]).find((k) => Commands[k].id === command.id);
  if (key === undefined || TRUST_NEEDS[key] === 'browses') {
    return { allowed: true };
  }
  return { allowed: false, message: restrictedModeMessage(BLOCKED_WHAT[key] ?? Commands[key].title) };
}
