/**
 * The metrics of a followed run (`RunFollower`): its `metrics.jsonl` tailed through the one
 * {@link FileTail} and read piece by piece straight into columns (`core/metrics/jsonlColumns.ts`; no
 * line string is kept past its piece), the series kept as {@link MetricColumns}, and the live metric
 * summaries computed from them with the runner's summary code.
 *
 * A read's points are added to the series in one turn after the read (a view never sees part of what
 * a change reports): the pieces go into a {@link MetricsBatch}, whose columns are then appended (or,
 * for a series new in the read, taken as they are), and whose lines with non-finite values are added
 * in their place among the points, so the series and summaries are the ones the protocol's parser
 * gives line by line.
 */
import { dict, ownValue } from '../../shared/dict';
import { FileTail } from '../base/fileTail';
import { JsonlColumnScanner, MetricsBatch } from '../metrics/jsonlColumns';
import { MetricColumns } from '../metrics/metricColumns';
import { addLineToSummaries, addPointsToSummary } from './summaries';
import type { MetricSummary } from './types';

/** A run's `metrics.jsonl` as read so far. */
export class FollowedMetrics {
  /** Metric name → points, in first-seen order. */
  readonly series = new Map<string, MetricColumns>();
  private summaryDict = dict<MetricSummary>();
  private nonFinitePending = new Map<string, number>();
  /** Metric name → points of its series already in the summaries. */
  private summarized = new Map<string, number>();
  private maxStep: number | null = null;
  private readonly tail: FileTail;
  private readonly scanner: JsonlColumnScanner;

  /** @param file the run's `metrics.jsonl` (absolute). */
  constructor(readonly file: string) {
    this.tail = new FileTail(file);
    this.scanner = new JsonlColumnScanner(file);
  }

  /** Metric name → summary of the points read so far (a null-prototype dictionary). */
  get summaries(): Record<string, MetricSummary> {
    return this.summaryDict;
  }

  /** Highest step read, or null before the first line. */
  get lastStep(): number | null {
    return this.maxStep;
  }

  /**
   * Reads what was appended to the file (all of it when it was rewritten: then the series start again).
   * @param appended filled with metric name → points added by this read.
   * @param warn called with each bad line's problem, `<file>:<line>: <message>`, in line order.
   * @returns true when the file was rewritten and read anew.
   * @throws the file system's error when the file cannot be read (see {@link FileTail.read}).
   */
  async read(appended: Map<string, number>, warn: (message: string) => void): Promise<boolean> {
    const batch = new MetricsBatch();
    const read = await this.tail.read({
      sink: (text, firstLine) => this.scanner.scan(text, firstLine, batch),
    });
    if (read.reset) {
      this.series.clear();
      this.summaryDict = dict<MetricSummary>();
      this.nonFinitePending = new Map();
      this.summarized = new Map();
      this.maxStep = null;
    }
    for (const warning of batch.warnings) {
      warn(`${warning.file}:${warning.line ?? '?'}: ${warning.message}`);
    }
    const before = new Map([...this.series].map(([name, points]) => [name, points.length]));
    this.add(batch);
    this.foldSummaries();
    for (const [name, points] of this.series) {
      const added = points.length - (before.get(name) ?? 0);
      if (added > 0) {
        appended.set(name, added);
      }
      if (added >= (before.get(name) ?? 0)) {
        // At least doubled in this read: give back the room doubling left (amortised over the points).
        points.trim();
      }
    }
    return read.reset;
  }

  /** Adds a read's points to the series, and its non-finite values to the summaries, in line order. */
  private add(batch: MetricsBatch): void {
    const staged = [...batch.series];
    const moved = staged.map(() => 0);
    for (const { line, before } of batch.nonFiniteLines) {
      this.move(staged, moved, before);
      // Summaries are folded per metric in order: bring them up to this line before its non-finite values.
      this.foldSummaries();
      const { step, values } = line;
      for (const name in values) {
        this.seriesOf(name).push(step, values[name]);
      }
      addLineToSummaries(
        this.summaryDict,
        step,
        values,
        Object.keys(line.nonFinite ?? {}),
        this.nonFinitePending,
      );
      for (const name in values) {
        this.summarized.set(name, this.series.get(name)!.length);
      }
    }
    this.move(staged, moved);
    if (batch.maxStep !== null && (this.maxStep === null || batch.maxStep > this.maxStep)) {
      this.maxStep = batch.maxStep;
    }
  }

  /**
   * Appends the staged points not moved yet, up to `upTo` points of each staged series (all without
   * it). A staged series new to the run, moved whole, becomes the run's series as it is.
   */
  private move(staged: [string, MetricColumns][], moved: number[], upTo?: readonly number[]): void {
    for (let k = 0; k < staged.length; k++) {
      const [name, source] = staged[k];
      const to = upTo === undefined ? source.length : (upTo[k] ?? 0);
      if (to <= moved[k]) {
        continue;
      }
      if (upTo === undefined && moved[k] === 0 && !this.series.has(name)) {
        this.series.set(name, source);
      } else {
        this.seriesOf(name).append(source, moved[k], to);
      }
      moved[k] = to;
    }
  }

  /** The series of `name`, started (empty) when it has none yet. */
  private seriesOf(name: string): MetricColumns {
    let points = this.series.get(name);
    if (points === undefined) {
      points = new MetricColumns();
      this.series.set(name, points);
    }
    return points;
  }

  /** Adds the points read since the last fold to the summaries (the runner's summary code, per metric). */
  private foldSummaries(): void {
    for (const [name, points] of this.series) {
      const from = this.summarized.get(name) ?? 0;
      if (from < points.length) {
        this.summaryDict[name] = addPointsToSummary(ownValue(this.summaryDict, name), name, points, from)!;
        this.summarized.set(name, points.length);
      }
    }
  }
}
