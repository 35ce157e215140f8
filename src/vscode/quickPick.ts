/**
 * Quick picks and input boxes that return values, not items. `undefined` means the user dismissed
 * the picker; callers stop quietly then.
 */
import * as vscode from 'vscode';
import { topHolding } from '../shared/pickFilter';

/** One choice: what it shows and the value it stands for. */
export interface PickItem<T> {
  /** Plain text (codicon syntax in it would show raw in the row's hover: give {@link icon} instead). */
  label: string;
  /** A codicon id shown before the label, and a theme colour id (VS Code ignores it in quick picks for now). */
  icon?: { id: string; color?: string };
  description?: string;
  detail?: string;
  picked?: boolean;
  value: T;
}

type ItemOf<T> = vscode.QuickPickItem & { value: T };

/** The quick pick's item for `item`: its icon as a themed codicon. */
function itemOf<T>({ icon, ...rest }: PickItem<T>): ItemOf<T> {
  return icon
    ? {
        ...rest,
        iconPath: new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined),
      }
    : rest;
}

/** Lets the user choose one value; `undefined` when dismissed. */
export async function pickOne<T>(items: PickItem<T>[], placeHolder: string): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick<ItemOf<T>>(items.map(itemOf), {
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return chosen?.value;
}

/**
 * Lets the user choose any number of values; `undefined` when dismissed. Enter with nothing ticked takes
 * the highlighted row (a multi-select quick pick otherwise accepts an empty choice, so Enter did
 * nothing), and a single choice starts ticked. Typing highlights the top row holding the text (a
 * multi-select quick pick highlights none as it filters), so a typed name and Enter take that row.
 */
export async function pickMany<T>(items: PickItem<T>[], placeHolder: string): Promise<T[] | undefined> {
  const quickPick = vscode.window.createQuickPick<ItemOf<T>>();
  quickPick.placeholder = placeHolder;
  quickPick.canSelectMany = true;
  quickPick.matchOnDescription = true;
  const shown = items.map(itemOf);
  quickPick.items = shown;
  quickPick.selectedItems = shown.length === 1 ? shown : shown.filter((item) => item.picked === true);
  quickPick.onDidChangeValue((value) => {
    const match = topHolding(shown, value);
    if (match !== undefined) {
      quickPick.activeItems = [match];
    }
  });
  return new Promise<T[] | undefined>((resolve) => {
    let result: T[] | undefined;
    quickPick.onDidAccept(() => {
      const chosen = quickPick.selectedItems.length > 0 ? quickPick.selectedItems : quickPick.activeItems;
      result = chosen.map((c) => c.value);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      quickPick.dispose();
      resolve(result);
    });
    quickPick.show();
  });
}

/**
 * Asks for a line of text.
 * @param validate returns an error message for invalid input, or undefined.
 */
export async function inputText(options: {
  title: string;
  prompt: string;
  value: string;
  validate?: (text: string) => string | undefined;
}): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: options.title,
    prompt: options.prompt,
    value: options.value,
    ignoreFocusOut: true,
    validateInput: options.validate,
  });
}
