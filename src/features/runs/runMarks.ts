/**
 * The marks of a Runs view row beside its status: the params changed since the previous run of the
 * task (`lr=0.003 epochs=400`), re-runs, early stops and pulled runs, as description parts (plain
 * text) and tooltip lines (Markdown, names and values escaped). No `vscode` import.
 */
import { earlyStopOf, paramChangesText, paramValueText, type RunLineage } from '../../core/runs/runLineage';
import type { RunRecord } from '../../core/runs/types';
import { escapeMarkdown } from '../runLabels';

/** Changed params shown in a row's description; the tooltip lists them all. */
export const DESCRIPTION_PARAMS = 3;

/** The part of a run id that tells it apart (its random suffix). */
function shortRunId(id: string): string {
  return id.slice(id.indexOf('-') + 1);
}

/** Description parts: changed params first (what tells runs of a task apart), then the marks. */
export function markParts(run: RunRecord, lineage: RunLineage | undefined): string[] {
  const parts: string[] = [];
  if (lineage !== undefined && lineage.changes.length > 0) {
    parts.push(paramChangesText(lineage.changes, DESCRIPTION_PARAMS).replace(/[\r\n]+/g, ' '));
  }
  if (lineage?.rerunOf !== undefined) {
    const of = shortRunId(lineage.rerunOf.id);
    parts.push(
      `${lineage.rerunOf.via === 'reproduce' ? '↻ reproduces' : '↻ re-run of'} ${of.replace(/[\r\n]+/g, ' ')}`,
    );
  }
  const early = earlyStopOf(run);
  if (early !== undefined) {
    parts.push(`⏹ stopped early${early.epochsRun !== undefined ? ` @ ${early.epochsRun}` : ''}`);
  }
  if (run.origin !== undefined) {
    parts.push(`⇣ pulled from ${String(run.origin.remote).replace(/[\r\n]+/g, ' ')}`);
  }
  return parts;
}

/** Tooltip lines (Markdown) for the same marks, with every changed param. */
export function markTooltipLines(run: RunRecord, lineage: RunLineage | undefined): string[] {
  const lines: string[] = [];
  if (lineage?.previous !== undefined) {
    const changes = lineage.changes.map((c) => {
      const name = escapeMarkdown(c.name);
      const value = escapeMarkdown(paramValueText(c.value));
      const before = escapeMarkdown(paramValueText(c.before));
      if (c.before === undefined) {
        return `${name} = ${value} (new)`;
      }
      return c.value === undefined ? `${name} removed (was ${before})` : `${name} ${before} → ${value}`;
    });
    lines.push(
      changes.length > 0
        ? `Params changed since run \`${lineage.previous.id}\`: ${changes.join(', ')}`
        : `Same params as the previous run \`${lineage.previous.id}\``,
    );
  }
  if (lineage?.rerunOf !== undefined) {
    lines.push(
      lineage.rerunOf.via === 'reproduce'
        ? `Reproduces run ${escapeMarkdown(lineage.rerunOf.id)} (xlens reproduce)`
        : `Re-run of ${escapeMarkdown(lineage.rerunOf.id)}: same task, params and code`,
    );
  }
  const early = earlyStopOf(run);
  if (early !== undefined) {
    const at = early.epochsRun !== undefined ? ` after ${early.epochsRun} epochs` : '';
    const kept = early.bestEpoch !== undefined ? `; kept the weights of epoch ${early.bestEpoch}` : '';
    lines.push(`Stopped early${at} (early_stopping)${kept}`);
  }
  if (run.origin !== undefined) {
    lines.push(
      `Pulled from ${escapeMarkdown(`${String(run.origin.remote)} (record ${String(run.origin.record).slice(0, 12)}) at ${String(run.origin.pulledAt)}`)}; read-only: Re-run makes a new local run`,
    );
  }
  return lines;
}
