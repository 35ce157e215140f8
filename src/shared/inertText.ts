/**
 * Text from the workspace (metric names, run names, params) made inert before it reaches a terminal:
 * control characters, among them ESC (which starts sequences that clear the screen or, with OSC 52,
 * write the clipboard), are shown as `\xNN` escapes instead of being sent; Unicode's bidirectional
 * formatting characters, which reorder what the terminal shows after them (a name `abc<U+202E>gnp.exe`
 * reads `abcexe.png`; "Trojan Source", CVE-2021-42574), as `\uNNNN`. Pure, so core's plain-text tables
 * and the CLI escape alike.
 */

/** C0 and C1 control characters and DEL: a name never needs them. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Bidirectional formatting characters (Unicode Standard Annex #9, "Explicit Directional Embeddings",
 * "Isolates" and "Implicit Directional Marks"): the embeddings and overrides U+202A-U+202E, the isolates
 * U+2066-U+2069 and the marks U+200E, U+200F and U+061C.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as a visible escape (`\x1b`, `\x07`, ...) and every
 * bidirectional formatting character as one too (`\u202e`).
 */
export function inertText(text: string): string {
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `text` as one line of a table cell: line breaks as `\n` and `\r` (a value written on two lines would
 * start a row of its own), other control characters as {@link inertText} writes them.
 */
export function inertCell(text: string): string {
  return inertText(text.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));
}
