/**
 * The run dashboard as activation sees it: its view type, its lazily loaded panel code, its panel
 * serializer and the command that opens it (Open Run Dashboard). The panel code (`openDashboard.ts`:
 * view models, chart specs, LTTB, the run followers) loads on first use only.
 *
 * A command's path: the id table (`../ids.ts`) → this registration → the panel (`openDashboard.ts`).
 */
import type * as vscode from 'vscode';
import type { ImportedRun } from '../../core/metrics/discovery/importedRun';
import type { Log } from '../../vscode/output';
import { lazily, registerLazySerializer, type LazyWebview } from '../../webview/lazyWebview';
import { Commands, WebviewTypes } from '../ids';
import { registerCommand } from '../registerCommand';
import { pickRuns } from '../runPicker';
import { importedRunsFromArgs, runsFromArgs } from '../runSelection';
import type { RunsModel } from '../runs/runsModel';
import type * as DashboardCode from './openDashboard';
import type { DashboardServices } from './openDashboard';

/** View type of the dashboard panels (package.json activation event `onWebviewPanel:xlens.dashboard`). */
export const DASHBOARD_VIEW_TYPE = WebviewTypes.dashboard;

/** The dashboard's panel code, loaded on first use. */
const dashboard: LazyWebview<typeof DashboardCode> = {
  viewType: DASHBOARD_VIEW_TYPE,
  load: () => import('./openDashboard'),
};

/** What the dashboard's registration needs from the composition root. */
export interface DashboardRegistrationServices extends DashboardServices {
  /** The runs the command picks from (and finds tree arguments in). */
  runs: RunsModel;
  log: Log;
}

/** Dashboards opened at once from one multi-selection, at most. */
const MAX_DASHBOARDS = 6;

/** Opens (or reveals) the dashboard of a run of the store. */
const openRunDashboard = lazily(dashboard, (code, s: DashboardServices, runId: string) => {
  code.openRunDashboard(s, runId);
});

/** Opens (or reveals) the dashboard of a run imported from another tool's logs. */
const openImportedDashboard = lazily(dashboard, async (code, s: DashboardServices, run: ImportedRun) => {
  await code.openImportedDashboard(s, run);
});

/**
 * Registers the dashboard: the serializer that restores panels open before a window reload, and Open
 * Run Dashboard (arguments: tree elements or a run id, else the user picks; imported runs from the
 * Runs view open their own dashboards).
 * @returns the registrations, for the composition root to track.
 */
export function registerDashboard(s: DashboardRegistrationServices): vscode.Disposable[] {
  return [
    registerLazySerializer(dashboard, (code, panel, state) => code.restoreDashboard(s, panel, state)),
    registerCommand(Commands.openRunDashboard, s.log, async (...args) => {
      const imported = importedRunsFromArgs(args);
      if (imported) {
        for (const run of imported.slice(0, MAX_DASHBOARDS)) {
          await openImportedDashboard(s, run);
        }
        return;
      }
      const runs =
        runsFromArgs(args, s.runs) ??
        (await pickRuns(await s.runs.allLoaded(), 'Run whose dashboard to open', false));
      for (const run of runs.slice(0, MAX_DASHBOARDS)) {
        await openRunDashboard(s, run.id);
      }
    }),
  ];
}
