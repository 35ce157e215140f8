/**
 * The status bar item: shown while runs are active, with the newest run's task and progress; a
 * click opens that run's dashboard.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/disposable';
import type { ConfigService } from '../../vscode/config';
import { setContextKey } from '../../vscode/contextKeys';
import { Commands, ContextKeys } from '../ids';
import type { RunsModel } from '../runs/runsModel';
import { statusBarText } from './statusBarText';

export class RunsStatusBar implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.track(
    vscode.window.createStatusBarItem('xlens.runs', vscode.StatusBarAlignment.Left, 10),
  );

  constructor(
    private readonly runs: RunsModel,
    private readonly config: ConfigService,
  ) {
    this.item.name = 'Experiment Lens runs';
    this.store.track(runs.onDidChange(() => this.update()));
    this.store.track(config.onDidChange(() => this.update()));
    this.update();
  }

  private update(): void {
    const active = this.runs.active();
    setContextKey(ContextKeys.hasRunningRuns, active.length > 0);
    const text = this.config.current.statusBarEnabled ? statusBarText(active, Date.now()) : undefined;
    if (text === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = text.text;
    this.item.tooltip = new vscode.MarkdownString(text.tooltip);
    this.item.command = {
      command: Commands.openRunDashboard.id,
      title: 'Open Run Dashboard',
      arguments: [text.runId],
    };
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}
