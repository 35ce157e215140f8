/**
 * The experiments table as activation sees it: its view type, its lazily loaded panel code, its
 * serializer and the command that opens it (Open Experiments Table, in the Runs view's title and the
 * palette). The panel code loads on first use only.
 */
import type * as vscode from 'vscode';
import type { Log } from '../../vscode/output';
import { lazily, registerLazySerializer, type LazyWebview } from '../../webview/lazyWebview';
import { Commands, WebviewTypes } from '../ids';
import { registerCommand } from '../registerCommand';
import type * as TableCode from './openTable';
import type { TableServices } from './openTable';

const table: LazyWebview<typeof TableCode> = {
  viewType: WebviewTypes.table,
  load: () => import('./openTable'),
};

/** What the table's registration needs from the composition root. */
export interface TableRegistrationServices extends TableServices {
  log: Log;
}

const open = lazily(table, (code, s: TableServices) => code.openTable(s));

/** Registers the table's serializer and Open Experiments Table. */
export function registerTable(s: TableRegistrationServices): vscode.Disposable[] {
  return [
    registerLazySerializer(table, (code, panel) => Promise.resolve(code.restoreTable(s, panel))),
    registerCommand(Commands.openExperimentsTable, s.log, async () => {
      await open(s);
    }),
  ];
}
