/**
 * Text from the workspace (metric names, run names, params) made inert before it reaches a terminal:
 * control characters, among them ESC (which starts sequences that clear the screen or, with OSC 52,
 * write the clipboard), are shown as `\xNN` escapes instead of being sent. Pure, so core's plain-text
 * tables and the CLI escape alike.
 */

/** C0 and C1 control characters and DEL: a name never needs them. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character written as a visible escape (`\x1b`, `\x07`, ...). */
export function inertText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * `text` as one line of a table cell: line breaks as `\n` and `\r` (a value written on two lines would
 * start a row of its own), other control characters as {@link inertText} writes them.
 */
export function inertCell(text: string): string {
  return inertText(text.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));
}
