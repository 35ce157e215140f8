/**
 * The script inlined into standalone HTML reports (`xlens show --html`, `xlens drift --html`, the drift
 * job's artefact). The page's tables and text are static HTML; this script draws the charts from the
 * embedded JSON block and makes tables marked `data-sortable` sortable by clicking their headers.
 * When every chart is drawn, `<body>` gets `data-charts="done"` (or `"failed"`), which tests wait for.
 */
import { REPORT_DATA_ELEMENT_ID, type ReportPayload } from '../../src/protocol/report';
import { renderChart } from '../shared/chart';
import { chartConfig, LIGHT_COLORS } from '../shared/chartTheme';
import { makeSortable } from '../shared/sortableTable';

function readPayload(): ReportPayload {
  const block = document.getElementById(REPORT_DATA_ELEMENT_ID);
  if (!block?.textContent) {
    throw new Error(`The report has no #${REPORT_DATA_ELEMENT_ID} data block.`);
  }
  return JSON.parse(block.textContent) as ReportPayload;
}

async function drawCharts(payload: ReportPayload): Promise<boolean> {
  const config = chartConfig(LIGHT_COLORS);
  const containers = new Map<string, HTMLElement>();
  for (const el of document.querySelectorAll<HTMLElement>('[data-chart]')) {
    containers.set(el.dataset.chart ?? '', el);
  }
  const results = await Promise.allSettled(
    payload.charts.map(async (model) => {
      const container = containers.get(model.id);
      if (!container) {
        throw new Error(`No element for chart ${model.id}`);
      }
      try {
        await renderChart(container, model, { config });
      } catch (error) {
        container.textContent = `This chart could not be drawn: ${String(error)}`;
        container.classList.add('chart-error');
        throw error;
      }
    }),
  );
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const failure of failures) {
    console.error(failure.reason);
  }
  return failures.length === 0;
}

function main(): void {
  for (const table of document.querySelectorAll<HTMLTableElement>('table[data-sortable]')) {
    makeSortable(table);
  }
  let payload: ReportPayload;
  try {
    payload = readPayload();
  } catch (error) {
    console.error(error);
    document.body.dataset.charts = 'failed';
    return;
  }
  void drawCharts(payload).then((ok) => {
    document.body.dataset.charts = ok ? 'done' : 'failed';
  });
}

main();
