/**
 * Text of the dashboard that only it shows: param values, series captions and result cards. Numbers, durations and
 * commits go through the shared `src/shared/formatting.ts` (the same text as the CLI and the editor).
 */
import type { DashboardResult } from '../../src/protocol/dashboard';
import { formatNumber } from '../../src/shared/formatting';

/** A param value as table text. */
export function formatParam(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

/** Caption of one series: `loss: 60 points` or `loss: 2,000 of 100,000 points (LTTB)`. */
export function seriesCaption(name: string, total: number, shown: number): string {
  return shown < total
    ? `${name}: ${formatNumber(shown)} of ${formatNumber(total)} points (downsampled, LTTB)`
    : `${name}: ${formatNumber(total)} point${total === 1 ? '' : 's'}`;
}

/**
 * Draws the cards of the metrics recorded once into `root` (replacing what it held): each card shows the
 * metric name, its value and its step, as text; `root` is hidden when there are none. Each card carries
 * `data-metric` (tests read it).
 */
export function renderResults(root: HTMLElement, results: readonly DashboardResult[]): void {
  root.hidden = results.length === 0;
  root.replaceChildren(
    ...results.map((r) => {
      const card = document.createElement('div');
      card.className = 'result-card';
      card.setAttribute('role', 'listitem');
      card.dataset.metric = r.name;
      card.title = `${r.name} = ${r.value} at step ${r.step}`;
      const name = document.createElement('div');
      name.className = 'result-name';
      name.textContent = r.name;
      const value = document.createElement('div');
      value.className = 'result-value';
      value.textContent = formatNumber(r.value, 4);
      const step = document.createElement('div');
      step.className = 'result-step';
      step.textContent = `step ${formatNumber(r.step)}`;
      card.append(name, value, step);
      return card;
    }),
  );
}
