/**
 * Text from the workspace (metric names, run names, params) made inert before it reaches a terminal:
 * control characters, among them ESC (which starts sequences that clear the screen or, with OSC 52,
 * write the clipboard), are shown as `\xNN` escapes instead of being sent.
 */

import { inertText } from '../shared/inertText';

export { inertText };

/**
 * `text` with {@link inertText} applied to each line; the line breaks themselves are kept, and with
 * `keepTabs` the tabs too (a patch's lines hold tabs as the files do: they move the cursor, nothing more).
 */
export function inertLines(text: string, options: { keepTabs?: boolean } = {}): string {
  const inert = options.keepTabs
    ? (line: string): string => line.split('\t').map(inertText).join('\t')
    : inertText;
  return text
    .split('\n')
    .map((line) => inert(line.endsWith('\r') ? line.slice(0, -1) : line))
    .join('\n');
}
