/**
 * The one-line progress display of `xlens run` in a terminal: step or epoch, latest metrics and
 * elapsed time, redrawn in place. Task output is written above it: the line is cleared first and
 * redrawn once the output ends a line. Off a terminal it writes nothing, so logs carry no control
 * characters.
 */
import { inertText } from './terminalText';
import { formatDuration, formatNumber } from '../shared/formatting';

const CLEAR_LINE = '\r\x1b[2K';

export class ProgressLine {
  private shown = false;
  private atLineStart = true;
  private step: number | undefined;
  private readonly latest = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    /** `epoch` for the built-in trainer, `step` otherwise. */
    private readonly stepLabel: string,
    private readonly enabled = out.isTTY === true,
    /** Metric updates redraw at most this often, ms (a task may log thousands of points a second). */
    private readonly minIntervalMs = 100,
  ) {}

  /** Starts redrawing every second (for the elapsed time). */
  start(): void {
    if (!this.enabled) {
      return;
    }
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
    this.draw();
  }

  /** Records a metric line. */
  metric(step: number, values: Record<string, number>): void {
    this.step = this.step === undefined ? step : Math.max(this.step, step);
    for (const [name, value] of Object.entries(values)) {
      this.latest.set(inertText(name), value);
    }
    const wait = this.lastDraw + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.draw();
    } else if (this.enabled && !this.pending) {
      this.pending = setTimeout(() => {
        this.pending = undefined;
        this.draw();
      }, wait);
      this.pending.unref();
    }
  }

  /** Writes task output to `stream`, keeping the progress line below it. */
  write(stream: NodeJS.WritableStream, text: string): void {
    this.clear();
    stream.write(text);
    this.atLineStart = text.endsWith('\n');
    this.draw();
  }

  /** Removes the line and stops redrawing. */
  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.clear();
  }

  private clear(): void {
    if (this.shown) {
      this.out.write(CLEAR_LINE);
      this.shown = false;
    }
  }

  private draw(): void {
    if (!this.enabled || !this.atLineStart) {
      return;
    }
    const parts = [`⏱ ${formatDuration(Date.now() - this.startedAt)}`];
    if (this.step !== undefined) {
      parts.push(`${this.stepLabel} ${this.step}`);
    }
    for (const [name, value] of [...this.latest].slice(-4)) {
      parts.push(`${name} ${formatNumber(value)}`);
    }
    const width = Math.max(20, (this.out.columns || 80) - 1);
    let text = parts.join(' · ');
    if (text.length > width) {
      text = `${text.slice(0, width - 1)}…`;
    }
    // Dimmed unless NO_COLOR is set (https://no-color.org); clearing the line is not colour.
    this.out.write(process.env.NO_COLOR ? `${CLEAR_LINE}${text}` : `${CLEAR_LINE}\x1b[2m${text}\x1b[0m`);
    this.shown = true;
    this.lastDraw = Date.now();
  }
}
