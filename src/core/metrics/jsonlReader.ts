/**
 * Reader for our own metrics protocol (JSONL, see `jsonl.ts`) behind the common {@link MetricReader}
 * interface, so `metrics.jsonl` of a run and any JSONL file named under a task's `metrics:` are tailed
 * like the other formats. Parsing is `JsonlMetricsParser`'s; this file only tracks the byte offset and
 * notices a truncated or replaced file.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { JsonlMetricsParser } from './jsonl';
import type { MetricReader, ReadResult, SourceSpec } from './readers';
import { pushPoint } from './readers';
import type { MetricPoint, ReadWarning, SeriesRun } from './series';

const CHUNK = 1 << 20;

/** Reads one JSONL metrics file as one run. The run id is the file's folder name (the run id in `.xlens/runs/<id>/`). */
export class JsonlReader implements MetricReader {
  readonly source: SourceSpec;
  private parser: JsonlMetricsParser;
  private offset = 0;
  private ino = -1;
  private started = false;

  constructor(readonly file: string) {
    this.source = { format: 'jsonl', path: file };
    this.parser = new JsonlMetricsParser(file);
  }

  async read(): Promise<ReadResult> {
    let info;
    try {
      info = await stat(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { runs: [], warnings: [] };
      }
      return {
        runs: [],
        warnings: [{ file: this.file, message: `cannot read: ${(error as Error).message}` }],
      };
    }
    let reset = false;
    if (this.offset > 0 && (info.ino !== this.ino || info.size < this.offset)) {
      this.parser = new JsonlMetricsParser(this.file);
      this.offset = 0;
      reset = true;
    }
    this.ino = info.ino;
    const metrics = new Map<string, MetricPoint[]>();
    const warnings: ReadWarning[] = [];
    if (info.size > this.offset) {
      const handle = await open(this.file, 'r');
      try {
        while (this.offset < info.size) {
          const buffer = Buffer.alloc(Math.min(CHUNK, info.size - this.offset));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
          if (bytesRead === 0) {
            break;
          }
          this.offset += bytesRead;
          const parsed = this.parser.push(buffer.subarray(0, bytesRead));
          warnings.push(...parsed.warnings);
          for (const line of parsed.lines) {
            for (const [name, value] of Object.entries(line.values)) {
              pushPoint(
                metrics,
                name,
                line.time === undefined
                  ? { step: line.step, value }
                  : { step: line.step, value, time: line.time },
              );
            }
          }
        }
      } finally {
        await handle.close();
      }
    }
    const first = !this.started;
    this.started = true;
    if (!first && !reset && metrics.size === 0) {
      return { runs: [], warnings };
    }
    const id = basename(dirname(this.file));
    const run: SeriesRun = { id, name: id, source: 'jsonl', path: this.file, metrics, params: {}, tags: {} };
    return { runs: [run], warnings, reset: reset ? [id] : [] };
  }
}
