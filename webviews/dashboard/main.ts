/**
 * The run dashboard view. Renders what the host sends (`src/protocol/dashboard.ts`): it posts
 * `webview/ready`, draws the snapshot, then applies updates. The current model is saved with
 * `setState`, so a panel hidden and shown again (or restored after a reload) draws at once from
 * its saved state while the host's fresh snapshot is on its way.
 */
import { assertNever } from '../../src/protocol/messages';
import {
  LOG_TAIL_LINES,
  type DashboardHostMessage,
  type DashboardSnapshot,
  type DashboardUpdate,
  type DashboardViewMessage,
} from '../../src/protocol/dashboard';
import { reportError, startView } from '../shared/page';
import { dataGrid, setGridRows } from '../shared/toolkit';
import { getVsCodeApi } from '../shared/vscodeApi';
import { ChartGrid } from './charts';
import { formatParam, renderResults } from './dashboardText';
import { renderHeader, tickDuration } from './header';
import { ReportSections } from './reports';
import styles from './dashboard.css';

/** What the view saves across hide/show and reloads (the serializer reads `runId`). */
interface SavedState {
  runId: string;
  snapshot: DashboardSnapshot;
  scrollY: number;
}

const vscode = getVsCodeApi<DashboardViewMessage, SavedState>();

function section(id: string, title: string): { root: HTMLElement; body: HTMLElement } {
  const root = document.createElement('section');
  root.id = id;
  const h2 = document.createElement('h2');
  h2.textContent = title;
  const body = document.createElement('div');
  body.className = 'section-body';
  root.append(h2, body);
  return { root, body };
}

class Dashboard {
  private model: DashboardSnapshot | undefined;
  private readonly header = document.createElement('header');
  private readonly warnings = document.createElement('ul');
  private readonly charts = section('charts', 'Metrics');
  /** Cards of the metrics recorded once, above the charts. */
  private readonly results = document.createElement('div');
  private readonly params = section('params', 'Params');
  private readonly log = section('log', 'Output');
  private readonly logText = document.createElement('pre');
  private readonly grid: ChartGrid;
  private readonly reports: ReportSections;
  private paramsGrid: HTMLElement | undefined;
  private saveTimer: number | undefined;

  constructor(private readonly app: HTMLElement) {
    this.header.className = 'run-header';
    this.warnings.className = 'warnings';
    this.charts.body.classList.add('chart-grid');
    this.results.className = 'results';
    this.results.setAttribute('role', 'list');
    this.results.setAttribute('aria-label', 'Metrics recorded once');
    this.charts.body.before(this.results);
    this.logText.className = 'log-tail';
    this.logText.tabIndex = 0;
    this.log.body.append(this.logText);
    this.grid = new ChartGrid(this.charts.body, reportError);
    app.append(this.header, this.warnings, this.charts.root, this.params.root, this.log.root);
    this.reports = new ReportSections(this.params.root, reportError);
    window.setInterval(() => {
      if (this.model?.header.status === 'running') {
        tickDuration(this.header, this.model.header);
      }
    }, 1000);
    window.addEventListener('scroll', () => this.save());
  }

  showSnapshot(snapshot: DashboardSnapshot): void {
    // A state saved by an older view has no results.
    const results = snapshot.results ?? [];
    // A state saved by an older view has no reports either.
    const reports = snapshot.reports ?? [];
    this.model = { ...snapshot, charts: [...snapshot.charts], results, reports, log: { ...snapshot.log } };
    this.renderHeader();
    this.renderParams();
    this.grid.setCounts(snapshot.series);
    this.grid.retain(new Set(snapshot.charts.map((c) => c.id)));
    for (const chart of snapshot.charts) {
      this.grid.setChart(chart);
    }
    renderResults(this.results, results);
    this.reports.set(reports);
    this.renderCharts();
    this.renderWarnings();
    this.logText.textContent = snapshot.log.lines.join('\n');
    this.scrollLogToEnd();
    this.app.setAttribute('aria-busy', 'false');
    this.app.dataset.state = 'snapshot';
    this.save();
    void Promise.all([this.grid.settled(), this.reports.settled()]).then(() => {
      const { maxPoints } = this.grid.stats();
      const charts = this.grid.stats().charts + this.reports.drawn();
      this.app.dataset.rendered = String(charts);
      this.app.dataset.renderMs = String(Math.round(performance.now()));
      vscode.postMessage({
        type: 'dashboard/rendered',
        payload: { charts, maxPoints, ms: performance.now() },
      });
    });
  }

  applyUpdate(update: DashboardUpdate): void {
    const model = this.model;
    if (!model) {
      // Updates only follow a snapshot; one arriving first is a host bug worth hearing about.
      reportError('update received before a snapshot');
      return;
    }
    if (update.header) {
      model.header = update.header;
      this.renderHeader();
    }
    if (update.params) {
      model.params = update.params;
      this.renderParams();
    }
    if (update.series) {
      const byName = new Map(model.series.map((s) => [s.name, s]));
      for (const s of update.series) {
        byName.set(s.name, s);
      }
      model.series = [...byName.values()];
      this.grid.setCounts(update.series);
    }
    if (update.reset) {
      this.grid.retain(new Set((update.charts ?? []).map((c) => c.id)));
    }
    for (const chart of update.charts ?? []) {
      this.grid.setChart(chart);
    }
    for (const d of update.data ?? []) {
      this.grid.setData(d.chartId, d.dataset, d.rows);
    }
    if (update.results) {
      model.results = update.results;
      renderResults(this.results, update.results);
    }
    if (update.charts || update.data || update.results || update.reset) {
      model.charts = this.grid.models();
      this.renderCharts();
    }
    if (update.reports) {
      model.reports = update.reports;
      this.reports.set(update.reports);
    }
    if (update.logAppend && update.logAppend.length > 0) {
      const atEnd = this.logText.scrollTop + this.logText.clientHeight >= this.logText.scrollHeight - 4;
      model.log.lines = [...model.log.lines, ...update.logAppend];
      if (model.log.lines.length > LOG_TAIL_LINES) {
        model.log.lines = model.log.lines.slice(-LOG_TAIL_LINES);
        model.log.truncated = true;
      }
      this.logText.textContent = model.log.lines.join('\n');
      if (atEnd) {
        this.scrollLogToEnd();
      }
    }
    if (update.warnings) {
      model.warnings = [...model.warnings, ...update.warnings];
      this.renderWarnings();
    }
    this.save();
  }

  /** Redraws the charts in the new theme's colours. */
  themeChanged(): void {
    this.grid.redrawAll();
    this.reports.redrawAll();
  }

  restore(state: SavedState): void {
    this.showSnapshot(state.snapshot);
    this.app.dataset.state = 'restored';
    void this.grid.settled().then(() => window.scrollTo(0, state.scrollY));
  }

  private renderHeader(): void {
    const header = this.model!.header;
    renderHeader(this.header, header, () =>
      vscode.postMessage({ type: 'dashboard/showOutput', payload: { runId: header.runId } }),
    );
    document.title = header.imported
      ? `${header.task} · ${header.imported.format}`
      : `${header.task} · ${header.runId}`;
    // Runs imported from other tools' logs have no output of ours.
    this.log.root.hidden = Boolean(header.imported);
  }

  private renderParams(): void {
    const rows = this.model!.params.map((p) => ({ name: p.name, value: formatParam(p.value) }));
    this.params.root.hidden = rows.length === 0;
    if (!this.paramsGrid) {
      this.paramsGrid = dataGrid(
        [
          { title: 'Param', field: 'name' },
          { title: 'Value', field: 'value' },
        ],
        rows,
        'Params of this run',
      );
      this.params.body.append(this.paramsGrid);
    } else {
      setGridRows(this.paramsGrid, rows);
    }
  }

  private renderCharts(): void {
    const empty = this.grid.ids.length === 0 && this.model!.results.length === 0;
    this.charts.root.classList.toggle('empty', empty);
    let note = this.charts.root.querySelector<HTMLElement>('.empty-note');
    if (empty && !note) {
      note = document.createElement('p');
      note.className = 'empty-note';
      this.charts.root.append(note);
    } else if (!empty) {
      note?.remove();
    }
    if (note && empty) {
      note.textContent = this.model?.header.imported
        ? `No scalar metrics in these ${this.model.header.imported.format} logs yet; points appear here as the tool writes them.`
        : 'No metrics yet. Lines written to XLENS_METRICS_FILE ({"step": 1, "values": {"loss": 0.3}}) appear here as they land.';
    }
  }

  private renderWarnings(): void {
    this.warnings.replaceChildren(
      ...this.model!.warnings.map((w) => {
        const li = document.createElement('li');
        li.textContent = w;
        return li;
      }),
    );
  }

  private scrollLogToEnd(): void {
    this.logText.scrollTop = this.logText.scrollHeight;
  }

  /** Saves the model, at most every 500 ms. */
  private save(): void {
    if (this.saveTimer !== undefined || !this.model) {
      return;
    }
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = undefined;
      if (this.model) {
        vscode.setState({ runId: this.model.header.runId, snapshot: this.model, scrollY: window.scrollY });
      }
    }, 500);
  }
}

startView<DashboardHostMessage>({
  styles,
  create(app) {
    const dashboard = new Dashboard(app);
    const saved = vscode.getState();
    if (saved?.snapshot) {
      dashboard.restore(saved);
    }
    return {
      onMessage(message) {
        switch (message.type) {
          case 'dashboard/snapshot':
            dashboard.showSnapshot(message.payload);
            break;
          case 'dashboard/update':
            dashboard.applyUpdate(message.payload);
            break;
          default:
            assertNever(message);
        }
      },
      onThemeChange: () => dashboard.themeChanged(),
    };
  },
});
