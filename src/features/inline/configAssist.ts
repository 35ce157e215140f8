/**
 * Editing help in `xlens.yaml` without other extensions: completion of keys (from the JSON schema,
 * with their documentation), task kinds, metric source kinds, `${params.` names and `${runs.` task
 * names; hover documentation of keys and placeholders; go to definition of placeholders; quick fixes
 * for the loader's "Did you mean" errors; the tasks as document symbols (outline, breadcrumbs).
 */
import * as vscode from 'vscode';
import { isMap, isScalar, type LineCounter, type Node } from 'yaml';
import { keyAt, keysAt } from '../../core/inline/schemaKeys';
import { keyPathAt, taskKindIn, yamlCursorAt, type YamlCursor } from '../../core/inline/yamlContext';
import {
  paramPositions,
  parseYaml,
  readYaml,
  type ParsedYaml,
  type YamlPositions,
} from '../../core/inline/paramPositions';
import { matchPlaceholders, type Placeholder } from '../../core/config/params';
import { didYouMeanFix } from '../../core/inline/didYouMean';
import { settableParams } from '../taskParams';
import type { InlineIndex } from './inlineIndex';
import { runSummaryMarkdown } from './markdown';

/** The task the cursor is in (`tasks:` → name → …), if any. */
function taskOf(path: readonly (string | number)[]): string | undefined {
  return path[0] === 'tasks' && path.length >= 2 ? String(path[1]) : undefined;
}

/** The placeholder under `position`, with its range. */
export function placeholderAt(
  document: vscode.TextDocument,
  position: vscode.Position,
): { placeholder: Placeholder; range: vscode.Range } | undefined {
  const text = document.lineAt(position.line).text;
  for (const { index, placeholder } of matchPlaceholders(text)) {
    if (position.character >= index && position.character <= index + placeholder.text.length) {
      return {
        placeholder,
        range: new vscode.Range(position.line, index, position.line, index + placeholder.text.length),
      };
    }
  }
  return undefined;
}

/** The task named by a `${runs.<task>.latest}` key. */
export function runsTask(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

export class ConfigAssist
  implements
    vscode.CompletionItemProvider,
    vscode.HoverProvider,
    vscode.DefinitionProvider,
    vscode.DocumentSymbolProvider,
    vscode.CodeActionProvider
{
  constructor(private readonly index: InlineIndex) {}

  private kindOf(document: vscode.TextDocument, task: string | undefined): string | undefined {
    if (task === undefined) {
      return undefined;
    }
    return this.index.tasks.task(task)?.kind ?? taskKindIn(document.getText(), task);
  }

  /** The params a task takes (its own, and the built-in trainer's), else every task's. */
  private paramNames(task: string | undefined): string[] {
    const config = task === undefined ? undefined : this.index.tasks.task(task);
    const tasks = config ? [config] : this.index.tasks.tasks();
    return [...new Set(tasks.flatMap((t) => Object.keys(settableParams(t))))];
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const cursor = yamlCursorAt(document.getText(), position.line, position.character);
    const task = taskOf(cursor.path);
    if (cursor.placeholder) {
      return this.placeholderItems(document, position, cursor, task);
    }
    const kind = this.kindOf(document, task);
    if (cursor.at === 'key') {
      if (cursor.path.length === 1 && cursor.path[0] === 'tasks') {
        return [];
      }
      return keysAt(cursor.path, kind).map((key) => {
        const item = new vscode.CompletionItem(key.name, vscode.CompletionItemKind.Property);
        item.detail = key.required ? 'required' : undefined;
        item.documentation = new vscode.MarkdownString(key.description);
        item.insertText = `${key.name}: `;
        item.sortText = `${key.required ? 0 : 1}${key.name}`;
        return item;
      });
    }
    const key = keyAt([...cursor.path, cursor.key], kind);
    return (key?.values ?? []).map((value) => {
      const item = new vscode.CompletionItem(value, vscode.CompletionItemKind.EnumMember);
      item.documentation = new vscode.MarkdownString(key?.description ?? '');
      return item;
    });
  }

  private placeholderItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    cursor: YamlCursor,
    task: string | undefined,
  ): vscode.CompletionItem[] {
    const typed = cursor.placeholder?.typed ?? '';
    const replace = new vscode.Range(position.translate(0, -typed.length), position);
    const closed = document.lineAt(position.line).text.slice(position.character).startsWith('}');
    if (cursor.placeholder?.namespace === 'runs') {
      return this.index.tasks.tasks().map((t) => {
        const item = new vscode.CompletionItem(`${t.name}.latest`, vscode.CompletionItemKind.Reference);
        const latest = this.index.runs.latestOf(t.name);
        item.detail = latest ? `now ${latest.id} (${latest.status})` : 'no run yet';
        item.insertText = `${t.name}.latest${closed ? '' : '}'}`;
        item.range = replace;
        return item;
      });
    }
    const params = task === undefined ? undefined : this.index.tasks.task(task);
    const values = params ? settableParams(params) : undefined;
    return this.paramNames(task).map((name) => {
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Variable);
      item.detail = values && name in values ? `= ${JSON.stringify(values[name])}` : undefined;
      item.insertText = `${name}${closed ? '' : '}'}`;
      item.range = replace;
      return item;
    });
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = placeholderAt(document, position);
    if (found) {
      return this.placeholderHover(document, position, found.placeholder, found.range);
    }
    const path = keyPathAt(document.getText(), position.line);
    const word = document.getWordRangeAtPosition(position, /[\w.-]+/);
    if (!path || !word || document.getText(word) !== String(path[path.length - 1])) {
      return undefined;
    }
    const key = keyAt(path, this.kindOf(document, taskOf(path)));
    if (!key?.description) {
      return undefined;
    }
    const values = key.values.length > 0 ? `\n\nValues: ${key.values.map((v) => `\`${v}\``).join(', ')}` : '';
    return new vscode.Hover(new vscode.MarkdownString(`**${key.name}**: ${key.description}${values}`), word);
  }

  private placeholderHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    placeholder: Placeholder,
    range: vscode.Range,
  ): vscode.Hover | undefined {
    if (placeholder.namespace === 'runs') {
      const name = runsTask(placeholder.key);
      const latest = this.index.runs.latestOf(name);
      const text = latest
        ? `\`${placeholder.text}\` is now run \`${latest.id}\`\n\n${runSummaryMarkdown(latest, this.index)}`
        : `\`${placeholder.text}\`: task \`${name}\` has no run yet.`;
      return new vscode.Hover(new vscode.MarkdownString(text), range);
    }
    const task = taskOf(yamlCursorAt(document.getText(), position.line, position.character).path);
    const config = task === undefined ? undefined : this.index.tasks.task(task);
    const values = config ? settableParams(config) : undefined;
    if (!values || !(placeholder.key in values)) {
      return undefined;
    }
    return new vscode.Hover(
      new vscode.MarkdownString(`\`${placeholder.key}\` = \`${JSON.stringify(values[placeholder.key])}\``),
      range,
    );
  }

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const found = placeholderAt(document, position);
    if (!found) {
      return undefined;
    }
    const { placeholder } = found;
    if (placeholder.namespace === 'runs') {
      const symbol = this.symbols(document).find((s) => s.name === runsTask(placeholder.key));
      return symbol ? new vscode.Location(document.uri, symbol.selectionRange) : undefined;
    }
    const task = taskOf(yamlCursorAt(document.getText(), position.line, position.character).path);
    const config = task === undefined ? undefined : this.index.tasks.task(task);
    for (const file of config?.paramFiles ?? []) {
      const path = vscode.Uri.joinPath(vscode.Uri.file(this.index.taskDir(config!)), file).fsPath;
      const at = this.index.paramsFile(path)?.positions.find((p) => p.name === placeholder.key);
      if (at) {
        return new vscode.Location(
          vscode.Uri.file(path),
          new vscode.Range(at.line, at.keyStart, at.line, at.keyEnd),
        );
      }
    }
    if (task !== undefined) {
      const inline = this.index
        .cached(document, `inline-params:${task}`, () => inlineParams(readConfig(this.index, document), task))
        .find((p) => p.name === placeholder.key);
      if (inline) {
        return new vscode.Location(
          document.uri,
          new vscode.Range(inline.line, inline.keyStart, inline.line, inline.keyEnd),
        );
      }
    }
    return undefined;
  }

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    return this.symbols(document);
  }

  /** The tasks of the document as symbols (with their keys as children), cached per version. */
  symbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    return this.index.cached(document, 'symbols', () => taskSymbols(parsedConfig(this.index, document)));
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    return context.diagnostics.flatMap((diagnostic) => {
      const fix = didYouMeanFix(diagnostic.message, document.getText(diagnostic.range));
      if (!fix) {
        return [];
      }
      const action = new vscode.CodeAction(`Change to "${fix.suggestion}"`, vscode.CodeActionKind.QuickFix);
      const start = document.offsetAt(diagnostic.range.start) + fix.offset;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(
        document.uri,
        new vscode.Range(document.positionAt(start), document.positionAt(start + fix.length)),
        fix.replacement,
      );
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      return [action];
    });
  }
}

/** The params of the inline map(s) of `task` in `xlens.yaml` text. */
function inlineParams(text: YamlPositions, task: string): ReturnType<typeof paramPositions> {
  const direct = paramPositions(text, ['tasks', task, 'params']);
  if (direct.length > 0) {
    return direct;
  }
  return [0, 1, 2, 3].flatMap((i) => paramPositions(text, ['tasks', task, 'params', i]));
}

function rangeOf(lines: LineCounter, node: Node | undefined, end?: Node): vscode.Range | undefined {
  const from = node?.range?.[0];
  const to = (end ?? node)?.range?.[1];
  if (from === undefined || to === undefined) {
    return undefined;
  }
  const a = lines.linePos(from);
  const b = lines.linePos(to);
  return new vscode.Range(a.line - 1, a.col - 1, b.line - 1, b.col - 1);
}

/** `xlens.yaml` parsed once per version of the document, for the symbols' ranges. */
export function parsedConfig(index: InlineIndex, document: vscode.TextDocument): ParsedYaml {
  return index.cached(document, 'parsed', () => parseYaml(document.getText()));
}

/**
 * `xlens.yaml` read once per version of the document for task and param positions (lenses, hints,
 * hovers, definitions): outlined in one pass when it is plain block YAML, else parsed.
 */
export function readConfig(index: InlineIndex, document: vscode.TextDocument): YamlPositions {
  return index.cached(document, 'read', (previous?: YamlPositions) => readYaml(document.getText(), previous));
}

/** The tasks of parsed `xlens.yaml` as symbols: name, kind, and each key of the task as a child. */
export function taskSymbols({ doc, lines }: ParsedYaml): vscode.DocumentSymbol[] {
  const tasks = isMap(doc.contents) ? doc.contents.get('tasks', true) : undefined;
  if (!isMap(tasks)) {
    return [];
  }
  const out: vscode.DocumentSymbol[] = [];
  for (const pair of tasks.items) {
    const key = pair.key as Node | undefined;
    const value = pair.value as Node | undefined;
    if (!isScalar(key)) {
      continue;
    }
    const selection = rangeOf(lines, key);
    const whole = rangeOf(lines, key, value ?? key);
    if (!selection || !whole) {
      continue;
    }
    const kind = isMap(value) ? value.get('kind') : undefined;
    const symbol = new vscode.DocumentSymbol(
      String(key.value),
      typeof kind === 'string' ? kind : 'command',
      vscode.SymbolKind.Function,
      whole,
      selection,
    );
    if (isMap(value)) {
      for (const field of value.items) {
        const fieldKey = field.key as Node | undefined;
        const fieldRange = rangeOf(lines, fieldKey, (field.value as Node | undefined) ?? fieldKey);
        const fieldSelection = rangeOf(lines, fieldKey);
        if (isScalar(fieldKey) && fieldRange && fieldSelection) {
          symbol.children.push(
            new vscode.DocumentSymbol(
              String(fieldKey.value),
              '',
              vscode.SymbolKind.Field,
              fieldRange,
              fieldSelection,
            ),
          );
        }
      }
    }
    out.push(symbol);
  }
  return out;
}
