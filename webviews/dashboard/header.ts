/** The dashboard header: task, status, git state, duration, backend, current step, actions. */
import type { DashboardCheck, DashboardHeader } from '../../src/protocol/dashboard';
import { badge, button, progressRing, tag } from '../shared/toolkit';
import { formatDuration, shortSha } from '../../src/shared/formatting';

/** A `<dt>`/`<dd>` pair; `testId` names the value for tests and styles. */
function field(list: HTMLElement, label: string, value: string | Node, testId: string, title?: string): void {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.dataset.field = testId;
  if (typeof value === 'string') {
    dd.textContent = value;
  } else {
    dd.append(value);
  }
  if (title) {
    dd.title = title;
  }
  // One grid cell per fact (a <div> around a dt/dd pair is valid in a <dl>): with dt and dd as cells of
  // their own, an odd column count put labels beside other facts' values.
  const fact = document.createElement('div');
  fact.className = 'fact';
  fact.append(dt, dd);
  list.append(fact);
}

/** Duration shown for the header now: a running run's clock keeps ticking in the view. */
export function liveDuration(header: DashboardHeader, now: number = Date.now()): number | null {
  if (header.status === 'running' && header.startedAt) {
    return Math.max(0, now - Date.parse(header.startedAt));
  }
  return header.durationMs;
}

/** Renders the header into `root` (its content is replaced). */
export function renderHeader(root: HTMLElement, header: DashboardHeader, onShowOutput: () => void): void {
  root.replaceChildren();
  const title = document.createElement('div');
  title.className = 'title-row';
  const h1 = document.createElement('h1');
  h1.textContent = header.task || header.runId;
  const status = tag(header.status);
  status.dataset.field = 'status';
  status.className = `status status-${header.status}`;
  title.append(h1, status);
  if (header.status === 'running' || header.status === 'queued') {
    title.append(progressRing(`Run is ${header.status}`));
  }
  if (!header.imported) {
    // Other tools' logs have no output of ours to show.
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(button('Show Output', onShowOutput, 'secondary'));
    title.append(actions);
  }

  const list = document.createElement('dl');
  list.className = 'facts';
  if (header.imported) {
    const source = header.imported;
    field(list, 'Imported from', `${source.format} · ${source.relativePath}`, 'source', source.path);
    if (source.sourceRunId !== '.' && !header.task.endsWith(source.sourceRunId)) {
      field(list, 'Run', source.sourceRunId, 'runId');
    }
  } else {
    field(list, 'Run', header.runId, 'runId');
  }
  if (header.commit) {
    const commit = document.createElement('span');
    const code = document.createElement('code');
    code.textContent = shortSha(header.commit);
    commit.append(code);
    if (header.subject) {
      commit.append(` ${header.subject}`);
    }
    field(list, 'Commit', commit, 'commit', header.commit);
  } else {
    field(list, 'Commit', header.gitNote ?? 'no git repository', 'commit');
  }
  if (!header.imported) {
    gitFields(list, header);
  }
  field(list, 'Duration', formatDuration(liveDuration(header)), 'duration');
  if (!header.imported) {
    field(list, 'Backend', header.backend ?? '—', 'backend');
  }
  field(list, 'Step', header.lastStep === null ? '—' : badge(String(header.lastStep)), 'step');
  if (header.exitCode !== null && header.status !== 'running') {
    field(list, 'Exit code', String(header.exitCode), 'exitCode');
  }
  root.append(title, list);
  if (header.checks.length > 0) {
    root.append(checksList(header.checks));
  }
  if (header.error) {
    const error = document.createElement('p');
    error.className = 'run-error';
    error.dataset.field = 'error';
    error.textContent = header.error;
    root.append(error);
  }
  if (header.status === 'missing') {
    const gone = document.createElement('p');
    gone.className = 'run-error';
    gone.textContent = header.imported
      ? 'This run is gone from its logs. What is shown is what was read before.'
      : 'The folder of this run was deleted. What is shown is what was read before.';
    root.append(gone);
  }
}

/** Updates only the duration text (called every second while the run is running). */
export function tickDuration(root: HTMLElement, header: DashboardHeader): void {
  const dd = root.querySelector<HTMLElement>('[data-field="duration"]');
  if (dd) {
    dd.textContent = formatDuration(liveDuration(header));
  }
}

/** Branch and working tree of a run of the workspace (imported runs have neither). */
function gitFields(list: HTMLElement, header: DashboardHeader): void {
  field(list, 'Branch', header.branch ?? (header.commit ? 'detached HEAD' : '—'), 'branch');
  if (header.dirty) {
    const dirty = document.createElement('span');
    dirty.append(tag('dirty'));
    if (header.snapshot) {
      const code = document.createElement('code');
      code.textContent = shortSha(header.snapshot);
      dirty.append(' snapshot ', code);
    }
    field(list, 'Working tree', dirty, 'dirty', header.snapshot ?? undefined);
  } else {
    field(list, 'Working tree', header.commit ? 'clean' : '—', 'dirty');
  }
}

/**
 * The run's checks, one line each: ✔ or ✖, the check as written, and the value found or why it failed
 * (all as text: names come from the workspace).
 */
function checksList(checks: readonly DashboardCheck[]): HTMLElement {
  const failed = checks.filter((c) => !c.passed).length;
  const section = document.createElement('section');
  section.className = `checks${failed > 0 ? ' checks-failed' : ''}`;
  section.dataset.field = 'checks';
  const heading = document.createElement('h2');
  heading.textContent =
    failed === 0
      ? `Checks: ${checks.length}/${checks.length} passed`
      : `Checks: ${failed} of ${checks.length} failed`;
  const list = document.createElement('ul');
  for (const c of checks) {
    const item = document.createElement('li');
    item.className = c.passed ? 'check-passed' : 'check-failed';
    const mark = document.createElement('span');
    mark.className = 'check-mark';
    mark.textContent = c.passed ? '✔' : '✖';
    mark.title = c.passed ? 'passed' : 'failed';
    const text = document.createElement('code');
    text.textContent = c.check;
    item.append(mark, ' ', text, `${c.passed ? ' —' : ':'} ${c.detail}`);
    list.append(item);
  }
  section.append(heading, list);
  return section;
}
