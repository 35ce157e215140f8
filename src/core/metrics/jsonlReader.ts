/**
 * Reader for our own metrics protocol (JSONL, see `jsonl.ts`) behind the common {@link MetricReader}
 * interface, so `metrics.jsonl` of a run and any JSONL file named under a task's `metrics:` are tailed
 * like the other formats. Parsing is `JsonlMetricsParser`'s; reading is the one `FileTail`'s (appended
 * lines only; a truncated, replaced or rewritten file is read again and reported as reset).
 */
import { basename, dirname } from 'node:path';
import { FileTail } from '../base/fileTail';
import { JsonlMetricsParser } from './jsonl';
import type { MetricReader, ReadResult, SourceSpec } from './readers';
import { pushPoint } from './readers';
import type { MetricPoint, SeriesRun } from './series';

/** Reads one JSONL metrics file as one run. The run id is the file's folder name (the run id in `.xlens/runs/<id>/`). */
export class JsonlReader implements MetricReader {
  readonly source: SourceSpec;
  private parser: JsonlMetricsParser;
  private readonly tail: FileTail;
  private started = false;

  constructor(readonly file: string) {
    this.source = { format: 'jsonl', path: file };
    this.parser = new JsonlMetricsParser(file);
    this.tail = new FileTail(file);
  }

  async read(): Promise<ReadResult> {
    let read;
    try {
      read = await this.tail.read();
    } catch (error) {
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot read: ${(error as Error).message}` }],
      };
    }
    if (read.missing) {
      return { runs: [], warnings: [] };
    }
    if (read.reset) {
      this.parser = new JsonlMetricsParser(this.file);
    }
    const metrics = new Map<string, MetricPoint[]>();
    const parsed = this.parser.pushLines(read.lines.map((l) => l.text));
    for (const line of parsed.lines) {
      // Non-finite values (written NaN, Infinity, null...) are points too: consumers count them.
      const nonFinite = Object.entries(line.nonFinite ?? {}).map(([name, how]): [string, number] => [
        name,
        nonFiniteNumber(how),
      ]);
      for (const [name, value] of [...Object.entries(line.values), ...nonFinite]) {
        pushPoint(
          metrics,
          name,
          line.time === undefined ? { step: line.step, value } : { step: line.step, value, time: line.time },
        );
      }
    }
    const first = !this.started;
    this.started = true;
    if (!first && !read.reset && metrics.size === 0) {
      return { runs: [], warnings: parsed.warnings };
    }
    const id = basename(dirname(this.file));
    const run: SeriesRun = { id, name: id, source: 'jsonl', path: this.file, metrics, params: {}, tags: {} };
    return { runs: [run], warnings: parsed.warnings, reset: read.reset ? [id] : [] };
  }
}

/** The number a non-finite value stood for, from how it was written (`NaN`, `-Infinity`, `null`, `1e999`...). */
function nonFiniteNumber(how: string): number {
  if (!/inf/i.test(how)) {
    return Number.NaN;
  }
  return how.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
