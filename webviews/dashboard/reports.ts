/**
 * The result sections of the dashboard (`DashboardSnapshot.reports`): one `<section>` per section the
 * host read from the run's artifacts (an evaluation's ROC, precision–recall, calibration and confusion
 * charts; a monitor's series over time), with its sentences above its own chart grid. Each section is
 * `section#report-<id>` and its figures carry `data-chart-id` and `data-rendered` like the metric charts.
 */
import type { DashboardReportSection } from '../../src/protocol/dashboard';
import { ChartGrid } from './charts';

interface Shown {
  root: HTMLElement;
  lines: HTMLElement;
  grid: ChartGrid;
}

export class ReportSections {
  private readonly shown = new Map<string, Shown>();

  constructor(
    private readonly before: HTMLElement,
    private readonly onError: (message: string) => void,
  ) {}

  /** Shows exactly `sections` (sections no longer sent are removed). */
  set(sections: readonly DashboardReportSection[]): void {
    const keep = new Set(sections.map((s) => s.id));
    for (const [id, s] of this.shown) {
      if (!keep.has(id)) {
        s.grid.retain(new Set());
        s.root.remove();
        this.shown.delete(id);
      }
    }
    for (const section of sections) {
      const s = this.shown.get(section.id) ?? this.create(section.id);
      s.root.querySelector('h2')!.textContent = section.title;
      s.lines.replaceChildren(
        ...section.lines.map((line) => {
          const li = document.createElement('li');
          li.textContent = line;
          return li;
        }),
      );
      s.grid.retain(new Set(section.charts.map((c) => c.id)));
      for (const chart of section.charts) {
        s.grid.setChart(chart);
      }
    }
  }

  /** Draws every chart again in the current theme. */
  redrawAll(): void {
    for (const s of this.shown.values()) {
      s.grid.redrawAll();
    }
  }

  /** Resolves when every chart of every section is drawn. */
  settled(): Promise<void> {
    return Promise.all([...this.shown.values()].map((s) => s.grid.settled())).then(() => undefined);
  }

  /** Charts drawn in the sections. */
  drawn(): number {
    return [...this.shown.values()].reduce((n, s) => n + s.grid.stats().charts, 0);
  }

  private create(id: string): Shown {
    const root = document.createElement('section');
    root.id = `report-${id}`;
    root.className = 'report-section';
    const h2 = document.createElement('h2');
    const lines = document.createElement('ul');
    lines.className = 'report-lines';
    const body = document.createElement('div');
    body.className = 'section-body chart-grid';
    root.append(h2, lines, body);
    this.before.before(root);
    const shown = { root, lines, grid: new ChartGrid(body, this.onError) };
    this.shown.set(id, shown);
    return shown;
  }
}
