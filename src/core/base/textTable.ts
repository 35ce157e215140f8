/** Plain-text tables for terminals and logs (the CLI's lists and the drift report's column table). */
import { inertCell } from '../../shared/inertText';

/**
 * Renders rows under a header as left-aligned columns separated by two spaces. Each column is as wide
 * as its longest cell (in UTF-16 code units); the last column is not padded and lines carry no trailing
 * spaces. A row shorter than the header leaves its missing cells empty. Cells are made inert first
 * (`inertCell`: a line break as `\n`, ESC as `\x1b`), so a value from the workspace keeps its row and
 * the columns stay aligned.
 * @returns the lines joined by `\n`, without a final newline.
 */
export function textTable(rawHeader: string[], rawRows: string[][]): string {
  const header = rawHeader.map(inertCell);
  const rows = rawRows.map((row) => row.map(inertCell));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
