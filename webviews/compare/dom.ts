/** Small DOM builders of the compare view: every text goes in as `textContent`, never as markup. */

/** A new `tag` element with `text` (as text) and a class. */
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

/** A labelled `<select>` of `[value, text]` choices calling `onChange` with the chosen value. */
export function select(
  label: string,
  choices: [string, string][],
  value: string,
  onChange: (value: string) => void,
): HTMLElement {
  const wrap = element('label', label);
  const input = element('select');
  for (const [key, text] of choices) {
    const option = element('option', text);
    option.value = key;
    option.selected = key === value;
    input.append(option);
  }
  input.addEventListener('change', () => onChange(input.value));
  wrap.append(input);
  return wrap;
}

/** A labelled checkbox calling `onChange` with its state. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const wrap = element('label');
  const input = element('input');
  input.type = 'checkbox';
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  wrap.append(input, document.createTextNode(label));
  return wrap;
}
