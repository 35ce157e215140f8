/**
 * Quick picks and input boxes that return values, not items. `undefined` means the user dismissed
 * the picker; callers stop quietly then.
 */
import * as vscode from 'vscode';

/** One choice: what it shows and the value it stands for. */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
  value: T;
}

type ItemOf<T> = vscode.QuickPickItem & { value: T };

/** Lets the user choose one value; `undefined` when dismissed. */
export async function pickOne<T>(items: PickItem<T>[], placeHolder: string): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick<ItemOf<T>>(items, {
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return chosen?.value;
}

/** Lets the user choose any number of values; `undefined` when dismissed. */
export async function pickMany<T>(items: PickItem<T>[], placeHolder: string): Promise<T[] | undefined> {
  const chosen = await vscode.window.showQuickPick<ItemOf<T>>(items, {
    placeHolder,
    canPickMany: true,
    matchOnDescription: true,
  });
  return chosen?.map((c) => c.value);
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
