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

/**
 * What a command does, as far as trusting the workspace matters. Only the first two need a trusted
 * workspace ({@link NEEDS_TRUST}); the others run Experiment Lens's own code on workspace files (but
 * see `deletesRecords` for git's hook).
 * - `executesWorkspaceCode`: starts a task of `xlens.yaml`, i.e. runs commands and scripts from the
 *   workspace (Run Task, Run Task with Params, Re-run). Blocked in Restricted Mode.
 * - `signalsProcesses`: sends signals to the process ids a `run.json` names (Cancel Run); an untrusted
 *   workspace could name any process of the user. Blocked in Restricted Mode.
 * - `deletesRecords`: removes Experiment Lens's own records after a confirmation: a run folder under
 *   `.xlens/runs` and its git ref (`git update-ref -d refs/xlens/runs/<id>`). Not harmless: it cannot be
 *   undone, and git runs the repository's `reference-transaction` hook (if one exists) on that update.
 *   Allowed in Restricted Mode today, as before this category had a name.
 * - `writesWorkspaceFile`: writes a new file from Experiment Lens's template (Create xlens.yaml); allowed.
 * - `readsOnly`: reads runs, output, metrics and data files and shows them (dashboards, drift reports,
 *   output, reveal, copy id, refresh, log). Loading runs may give orphaned runs their final status in
 *   their own `run.json` (see `reconcileRuns`), as every listing does; allowed.
 */
export type TrustNeed =
  'executesWorkspaceCode' | 'signalsProcesses' | 'deletesRecords' | 'writesWorkspaceFile' | 'readsOnly';

/** The needs that are blocked in an untrusted workspace. */
export const NEEDS_TRUST: ReadonlySet<TrustNeed> = new Set<TrustNeed>([
  'executesWorkspaceCode',
  'signalsProcesses',
]);

/**
 * Every command's need, keyed by the command table so a new command fails to compile until it is
 * classified here.
 */
export const TRUST_NEEDS: Record<CommandKey, TrustNeed> = {
  runTask: 'executesWorkspaceCode',
  runTaskWithParams: 'executesWorkspaceCode',
  queueTask: 'executesWorkspaceCode',
  rerun: 'executesWorkspaceCode',
  cancelRun: 'signalsProcesses',
  openRunDashboard: 'readsOnly',
  compareRuns: 'readsOnly',
  openExperimentsTable: 'readsOnly',
  showRunOutput: 'readsOnly',
  deleteRun: 'deletesRecords',
  copyRunId: 'readsOnly',
  revealRunFolder: 'readsOnly',
  refresh: 'readsOnly',
  createConfig: 'writesWorkspaceFile',
  showLog: 'readsOnly',
  showDriftReport: 'readsOnly',
  // Reproducing runs a task; the git commands below may run programs the repository's config names
  // (checkout filters, core.sshCommand, credential helpers), and no git process runs untrusted.
  reproduceRun: 'executesWorkspaceCode',
  checkoutRunCode: 'executesWorkspaceCode',
  createBranchFromRun: 'executesWorkspaceCode',
  browseRunCode: 'executesWorkspaceCode',
  compareCode: 'executesWorkspaceCode',
  pushRuns: 'executesWorkspaceCode',
  pullRuns: 'executesWorkspaceCode',
  showMoreCommits: 'readsOnly',
};

/** What the user is told they cannot do, per command that needs trust. */
const BLOCKED_WHAT: Partial<Record<CommandKey, string>> = {
  runTask: 'Running tasks',
  runTaskWithParams: 'Running tasks',
  queueTask: 'Queueing tasks',
  rerun: 'Re-running runs',
  cancelRun: 'Cancelling runs',
  reproduceRun: 'Reproducing runs',
  checkoutRunCode: "Checking out a run's code",
  createBranchFromRun: 'Creating branches from runs',
  browseRunCode: "Browsing a run's code",
  compareCode: "Comparing runs' code",
  pushRuns: 'Pushing runs',
  pullRuns: 'Pulling runs',
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
  if (key === undefined || !NEEDS_TRUST.has(TRUST_NEEDS[key])) {
    return { allowed: true };
  }
  return { allowed: false, message: restrictedModeMessage(BLOCKED_WHAT[key] ?? Commands[key].title) };
}
