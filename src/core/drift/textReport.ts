/**
 * Plain-text rendering of a drift report for terminals and job logs: the layout only; every word and
 * number comes from the shared presentation (`./presentation.ts`), as in the HTML report and the drift view.
 */
import { textTable } from '../base/textTable';
import { columnText, datasetVerdict, inputText, samplingText, sortColumns } from './presentation';
import type { DriftInput, DriftReport } from './types';

/** The per-column table, the skipped columns and the dataset verdict, as printed by `xlens drift`. */
export function formatDriftReport(report: DriftReport): string {
  const { reference, current } = report.inputs;
  const input = (i: DriftInput): string => {
    const sampling = samplingText(i.sampling);
    return `${i.file}  ${inputText(i).rows} rows${sampling === null ? '' : `, ${sampling}`}`;
  };
  const lines = [`reference: ${input(reference)}`, `current:   ${input(current)}`, ''];
  if (report.columns.length > 0) {
    const rows = sortColumns(report.columns).map((c) => {
      const text = columnText(c);
      // Upper case makes drifted rows stand out in a terminal; the words are the shared ones.
      return [
        c.name,
        c.type,
        c.method,
        text.statistic,
        text.score,
        text.threshold,
        c.drifted ? 'DRIFT' : 'ok',
      ];
    });
    lines.push(
      textTable(['COLUMN', 'TYPE', 'METHOD', 'STATISTIC', 'P-VALUE/DIST', 'DRIFT IF', 'VERDICT'], rows),
    );
  } else {
    lines.push('No column could be tested.');
  }
  const notes = sortColumns(report.columns).filter((c) => c.note);
  if (notes.length > 0) {
    lines.push('', 'notes:');
    lines.push(...notes.map((c) => `  ${c.name}: ${c.note}`));
  }
  if (report.skipped.length > 0) {
    lines.push('', 'not tested:');
    lines.push(...report.skipped.map((s) => `  ${s.name} (${s.type}): ${s.reason}`));
  }
  lines.push('', datasetVerdictLine(report));
  return `${lines.join('\n')}\n`;
}

/**
 * The dataset verdict in one line: drift, no drift, or not tested (no column could be tested, so there
 * is no verdict; the reasons are under "not tested").
 */
export function datasetVerdictLine(report: DriftReport): string {
  const verdict = datasetVerdict(report.dataset, 'not tested');
  return `${verdict.kind === 'ok' ? verdict.headline : verdict.headline.toUpperCase()}: ${verdict.detail}`;
}
