/** Small DOM helpers of the table view: every text goes in through `textContent`. */

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

/** A label with `text` around `control`. */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = element('label', text);
  label.append(control);
  return label;
}

/** The note editor each bar shows: its run, its input and what saves it. */
const noteEditors = new WeakMap<
  HTMLElement,
  { runId: string; input: HTMLInputElement; save: (note: string) => void }
>();

/**
 * Fills `bar` with the note editor of one run: its id, the note, and Save (Enter saves too); empties the
 * bar when `runId` is undefined. For the run the bar already shows, the editor stays (focus and typing
 * kept) and shows `note` unless the user is editing it.
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
    if (document.activeElement !== shown.input) {
      shown.input.value = note;
    }
    return;
  }
  const input = element('input');
  input.type = 'text';
  input.className = 'note';
  input.value = note;
  input.placeholder = 'A note on this run';
  input.setAttribute('aria-label', `Note on run ${runId}`);
  const editor = { runId, input, save };
  noteEditors.set(bar, editor);
  const button = element('button', 'Save note');
  button.addEventListener('click', () => editor.save(input.value));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      editor.save(input.value);
    }
  });
  bar.replaceChildren(element('span', `Run ${runId}`), input, button);
}
