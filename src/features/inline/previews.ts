/**
 * Metrics where the code is: CodeLens, inlay hints and hovers in `xlens.yaml`, in the params files
 * the tasks name, and in training code (the pattern tables of `core/inline/codePatterns.ts`). Every
 * answer comes from the {@link InlineIndex} and from the document's text (parsed once per version);
 * nothing here reads a file.
 */
import * as vscode from 'vscode';
import type { TaskConfig } from '../../core/config/types';
import { matchPlaceholders } from '../../core/config/params';
import { matchLine, patternsFor, type CodeMatch } from '../../core/inline/codePatterns';
import {
  paramPositions,
  taskKeys,
  readYaml,
  taskParamPositions,
  type ParamPosition,
  type YamlPositions,
} from '../../core/inline/paramPositions';
import { Commands } from '../ids';
import { relativeTime } from '../runLabels';
import { readConfig, runsTask } from './configAssist';
import type { InlineIndex, ParamsFile } from './inlineIndex';
import { lastRunTitle, metricHint, metricHover, paramHint, paramHover } from './markdown';

/** A CodeLens whose command is filled in by `resolveCodeLens` (only for lenses on screen). */
class LastRunLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly task: string,
  ) {
    super(range);
  }
}

/** Where params are written in a document, and the tasks they may belong to (the first that ran with it). */
interface ParamsPlace {
  tasks: readonly string[];
  position: ParamPosition;
}

function command(spec: { id: string }, title: string, args: unknown[]): vscode.Command {
  return { title, command: spec.id, arguments: args };
}

function dashboardLink(runId: string): string {
  const args = encodeURIComponent(JSON.stringify([runId]));
  return `[$(graph-line) Open the dashboard](command:${Commands.openRunDashboard.id}?${args})`;
}

export class Previews implements vscode.CodeLensProvider, vscode.InlayHintsProvider, vscode.HoverProvider {
  /** The places of a params file's positions (one version of it), with the tasks naming the file. */
  private readonly places = new WeakMap<ParamPosition[], { file: ParamsFile; places: ParamsPlace[] }>();

  constructor(private readonly index: InlineIndex) {}

  private isConfig(document: vscode.TextDocument): boolean {
    return document.uri.scheme === 'file' && document.uri.fsPath === this.index.configFile;
  }

  /** The params written in `document` with their task: a params file's, or the inline maps of xlens.yaml. */
  private params(document: vscode.TextDocument): ParamsPlace[] {
    if (this.isConfig(document)) {
      return this.index.cached(document, 'inline-params', () => {
        const tasks = this.index.tasks.tasks();
        const written = taskParamPositions(
          readConfig(this.index, document),
          tasks.map((t) => t.name),
        );
        const places: ParamsPlace[] = [];
        for (const task of tasks) {
          const { direct, items } = written.get(task.name) ?? { direct: [], items: [] };
          // A `params:` list (files and maps): the params of its maps, when the task takes params.
          const takesParams = task.paramFiles.length > 0 || Object.keys(task.params).length > 0;
          const names = [task.name];
          for (const position of direct.length > 0 ? direct : takesParams ? items : []) {
            places.push({ tasks: names, position });
          }
        }
        return places;
      });
    }
    const file = document.uri.scheme === 'file' ? this.index.paramsFile(document.uri.fsPath) : undefined;
    if (!file) {
      return [];
    }
    const read = this.index.cached(document, 'params-read', (previous?: YamlPositions) =>
      readYaml(document.getText(), previous),
    );
    const positions = this.index.cached(document, 'params', () => paramPositions(read));
    let places = this.places.get(positions);
    // A change of the tasks that name the file makes a new ParamsFile.
    if (places?.file !== file) {
      const { tasks } = file;
      places = { file, places: positions.map((position) => ({ tasks, position })) };
      this.places.set(positions, places);
    }
    return places.places;
  }

  /** The task of a written param: the first of its tasks whose runs recorded it (asked only for shown params). */
  private taskOf({ tasks, position }: ParamsPlace): string {
    return tasks.length === 1
      ? tasks[0]
      : (tasks.find((t) => this.index.index.param(position.name, t)) ?? tasks[0]);
  }

  /** The tasks whose runs count for a code file; empty: every run of the workspace. */
  private scopeOf(document: vscode.TextDocument): TaskConfig[] {
    return document.uri.scheme === 'file' ? this.index.tasksRunning(document.uri.fsPath) : [];
  }

  /**
   * The logging calls and param reads on `line`, matched when a shown line is first asked about and
   * kept for the document's version (scrolling back and hovering do not match again).
   */
  private codeMatches(document: vscode.TextDocument, line: number): CodeMatch[] {
    const table = patternsFor(document.languageId);
    if (!table || line >= document.lineCount) {
      return [];
    }
    const lines = this.index.cached(document, 'code-lines', () => new Map<number, CodeMatch[]>());
    let found = lines.get(line);
    if (!found) {
      found = matchLine(document.lineAt(line).text, table);
      lines.set(line, found);
    }
    return found;
  }

  private on(kind: 'codeLens' | 'inlayHints' | 'hovers'): boolean {
    const s = this.index.settings;
    return s.enabled && s[kind];
  }

  // CodeLens ---------------------------------------------------------------------------------------

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.on('codeLens')) {
      return [];
    }
    if (this.isConfig(document)) {
      const lenses: vscode.CodeLens[] = [];
      const tasks = this.index.cached(document, 'task-keys', () =>
        taskKeys(readConfig(this.index, document)),
      );
      for (const { name, line, keyStart } of tasks) {
        const at = new vscode.Range(line, keyStart, line, keyStart);
        lenses.push(new vscode.CodeLens(at, command(Commands.runTask, '$(play) Run', [name])));
        lenses.push(new vscode.CodeLens(at, command(Commands.runTaskWithParams, 'Run with Params…', [name])));
        const latest = this.index.runs.latestOf(name);
        if (latest) {
          lenses.push(new vscode.CodeLens(at, command(Commands.openRunDashboard, 'Dashboard', [latest.id])));
          lenses.push(new LastRunLens(at, name));
          const lastTwo = this.index.runs.latestRunsOf(name, 2);
          if (lastTwo.length === 2) {
            // Oldest first: the earlier run is the baseline of the deltas.
            const ids = lastTwo.map((r) => r.id).reverse();
            lenses.push(new vscode.CodeLens(at, command(Commands.compareRuns, 'Compare last 2', [ids])));
          }
        }
      }
      const seen = new Set<string>();
      for (const { tasks, position } of this.params(document)) {
        const task = tasks[0];
        if (!seen.has(task)) {
          seen.add(task);
          const at = new vscode.Range(position.line, 0, position.line, 0);
          lenses.push(
            new vscode.CodeLens(at, command(Commands.runTask, '$(play) Run with these params', [task])),
          );
        }
      }
      return lenses;
    }
    const file = document.uri.scheme === 'file' ? this.index.paramsFile(document.uri.fsPath) : undefined;
    return (file?.tasks ?? []).map(
      (task) =>
        new vscode.CodeLens(
          new vscode.Range(0, 0, 0, 0),
          command(Commands.runTask, `$(play) Run ${task} with these params`, [task]),
        ),
    );
  }

  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (lens instanceof LastRunLens) {
      const latest = this.index.runs.latestOf(lens.task);
      lens.command = latest
        ? command(
            Commands.openRunDashboard,
            lastRunTitle(latest, this.index.index.keyMetricChange(lens.task), Date.now()),
            [latest.id],
          )
        : { title: 'no run yet', command: '' };
    }
    return lens;
  }

  // Inlay hints ------------------------------------------------------------------------------------

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!this.on('inlayHints')) {
      return [];
    }
    const hints: vscode.InlayHint[] = [];
    const visible = (line: number): boolean => line >= range.start.line && line <= range.end.line;
    if (this.isConfig(document)) {
      for (let line = range.start.line; line <= Math.min(range.end.line, document.lineCount - 1); line++) {
        for (const { index, placeholder } of matchPlaceholders(document.lineAt(line).text)) {
          if (placeholder.namespace !== 'runs') {
            continue;
          }
          const latest = this.index.runs.latestOf(runsTask(placeholder.key));
          // Short enough for the editor's default hint length (`editor.inlayHints.maximumLength`, 43).
          const label = latest ? `→ ${latest.id} (${latest.status})` : '→ no run yet';
          const tooltip = latest
            ? `${placeholder.text} is run ${latest.id} now: ${latest.status}, started ${relativeTime(Date.parse(latest.createdAt), Date.now())}`
            : undefined;
          hints.push(hint(new vscode.Position(line, index + placeholder.text.length), label, tooltip));
        }
      }
    }
    for (const place of this.params(document)) {
      const { position } = place;
      const label = visible(position.valueLine)
        ? paramHint(this.index.index.param(position.name, this.taskOf(place)))
        : undefined;
      if (label) {
        hints.push(hint(new vscode.Position(position.valueLine, position.valueEnd), label));
      }
    }
    if (patternsFor(document.languageId)) {
      const scope = this.scopeOf(document);
      for (let line = range.start.line; line <= Math.min(range.end.line, document.lineCount - 1); line++) {
        for (const match of this.codeMatches(document, line)) {
          const label = match.kind === 'metric' ? metricHint(this.metricStats(match.name, scope)) : undefined;
          if (label) {
            hints.push(hint(new vscode.Position(line, match.end + 1), label));
          }
        }
      }
    }
    return hints;
  }

  private metricStats(name: string, scope: readonly TaskConfig[]) {
    for (const task of scope) {
      const stats = this.index.index.metric(name, task.name);
      if (stats) {
        return stats;
      }
    }
    return this.index.index.metric(name);
  }

  private paramStats(name: string, scope: readonly TaskConfig[]) {
    for (const task of scope) {
      const stats = this.index.index.param(name, task.name);
      if (stats) {
        return stats;
      }
    }
    return this.index.index.param(name);
  }

  // Hovers -----------------------------------------------------------------------------------------

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.on('hovers')) {
      return undefined;
    }
    const now = Date.now();
    for (const place of this.params(document)) {
      const at = place.position;
      if (at.line === position.line && position.character >= at.keyStart && position.character <= at.keyEnd) {
        const stats = this.index.index.param(at.name, this.taskOf(place));
        return stats
          ? new vscode.Hover(
              new vscode.MarkdownString(paramHover(at.name, stats, now)),
              new vscode.Range(at.line, at.keyStart, at.line, at.keyEnd),
            )
          : undefined;
      }
    }
    const match = this.codeMatches(document, position.line).find(
      (m) => position.character >= m.start && position.character <= m.end,
    );
    if (!match) {
      return undefined;
    }
    const scope = this.scopeOf(document);
    const where =
      scope.length > 0 ? `runs of ${scope.map((t) => t.name).join(', ')}` : 'all runs of the workspace';
    const range = new vscode.Range(position.line, match.start, position.line, match.end);
    if (match.kind === 'metric') {
      const stats = this.metricStats(match.name, scope);
      if (!stats) {
        return new vscode.Hover(
          `\`${match.name}\` (${match.source}): no run logged it yet (${where}).`,
          range,
        );
      }
      const markdown = new vscode.MarkdownString(
        metricHover(
          stats,
          `${match.source}, ${where}`,
          now,
          dashboardLink(stats.runs[0].run.id),
          this.index.series(stats.runs[0].run.id, match.name),
        ),
        true,
      );
      markdown.isTrusted = { enabledCommands: [Commands.openRunDashboard.id] };
      return new vscode.Hover(markdown, range);
    }
    const stats = this.paramStats(match.name, scope);
    if (!stats) {
      return undefined;
    }
    return new vscode.Hover(new vscode.MarkdownString(paramHover(match.name, stats, now)), range);
  }
}

function hint(position: vscode.Position, label: string, tooltip?: string): vscode.InlayHint {
  const item = new vscode.InlayHint(position, label);
  item.paddingLeft = true;
  item.tooltip = tooltip;
  return item;
}
