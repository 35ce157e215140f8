/**
 * Text from the workspace (metric names, run names, params) made inert before it reaches a terminal:
 * control characters, among them ESC (which starts sequences that clear the screen or, with OSC 52,
 * write the clipboard), are shown as `\xNN` escapes instead of being sent.
 */

/** C0 and C1 control characters and DEL: a name never needs them. */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character written as a visible escape (`\x1b`, `\x07`, ...). */
export function inertText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `text` with {@link inertText} applied to each line; the line breaks themselves are kept. */
export function inertLines(text: string): string {
  return text
    .split('\n')
    .map((line) => inertText(line.endsWith('\r') ? line.slice(0, -1) : line))
    .join('\n');
}
