/** Small DOM helpers of the table view: every text goes in through `textContent`. */
import { MAX_TABLE_TEXT } from '../../src/protocol/table';

/** A new element with optional text and class. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) {
    el.textContent = text;
  }
  if (className) {
    el.className = className;
  }
  return el;
}

/**
 * Fills `select` with `values` (`''`: `anyText`) and selects `current`; a `current` no value holds (a
 * task whose runs went) stays chosen as "… (no runs)", so the select shows the filter in force.
 */
export function fillSelect(
  select: HTMLSelectElement,
  values: string[],
  current: string,
  anyText: string,
): void {
  const all = values.includes(current) ? values : [...values, current];
  select.replaceChildren(
    ...all.map((value) => {
      const text = value === '' ? anyText : values.includes(value) ? value : `${value} (no runs)`;
      const option = element('option', text);
      option.value = value;
      option.selected = value === current;
      return option;
    }),
  );
}

/**
 * Shows a filter error in `box` (empties it when `error` is undefined): its message and, when it names a
 * column (1-based, in UTF-16 code units as the filter's tokenizer counts them), `expression` (the one
 * that was checked, not what the input holds now) with the character there marked (`mark.at`; a space
 * past the end). A caret on a line of spaces below would stand off under wide characters (emoji, CJK).
 */
export function showFilterError(
  box: HTMLElement,
  expression: string,
  error: { message: string; column: number | null } | undefined,
): void {
  box.replaceChildren();
  if (error === undefined) {
    return;
  }
  box.append(element('div', error.message));
  if (error.column !== null) {
    const at = Math.max(0, Math.min(expression.length, error.column - 1));
    const rest = expression.slice(at);
    const char = rest === '' ? ' ' : String.fromCodePoint(rest.codePointAt(0)!);
    const source = element('pre');
    source.append(
      expression.slice(0, at),
      element('mark', char, 'at'),
      rest.slice(rest === '' ? 0 : char.length),
    );
    box.append(source);
  }
}

/** A label with `text` around `control`. */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = element('label', text);
  label.append(control);
  return label;
}

/** The note editor each bar shows: its run, its input, the note last shown in it, and what saves it. */
const noteEditors = new WeakMap<
  HTMLElement,
  { runId: string; input: HTMLInputElement; shown: string; save: (note: string) => void }
>();

/**
 * Fills `bar` with the note editor of one run: its id, the note, and Save (Enter saves too); empties the
 * bar when `runId` is undefined. For the run the bar already shows, the editor stays (focus kept) and
 * shows `note` unless the user has typed in it since it last showed one: unsaved typing is never
 * overwritten, whether the input holds the focus or not. A note is at most {@link MAX_TABLE_TEXT}
 * characters, as the host accepts.
 */
export function renderNoteBar(
  bar: HTMLElement,
  runId: string | undefined,
  note: string,
  save: (note: string) => void,
): void {
  const shown = noteEditors.get(bar);
  if (runId === undefined) {
    noteEditors.delete(bar);
    bar.replaceChildren();
    return;
  }
  if (shown !== undefined && shown.runId === runId && bar.contains(shown.input)) {
    shown.save = save;
    if (shown.input.value === shown.shown) {
      shown.input.value = note;
    }
    shown.shown = note;
    return;
  }
  const input = element('input');
  input.type = 'text';
  input.className = 'note';
  input.value = note;
  input.maxLength = MAX_TABLE_TEXT;
  input.placeholder = 'A note on this run';
  input.setAttribute('aria-label', `Note on run ${runId}`);
  const editor = { runId, input, shown: note, save };
  noteEditors.set(bar, editor);
  const button = element('button', 'Save note');
  const saveTyped = (): void => {
    editor.shown = input.value;
    editor.save(input.value);
  };
  button.addEventListener('click', saveTyped);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      saveTyped();
    }
  });
  bar.replaceChildren(element('span', `Run ${runId}`), input, button);
}
