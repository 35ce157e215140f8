/**
 * A writer of W&B run files in the layout `recordLog.ts` reads (file header, 32 KiB blocks, chunks
 * with CRC-32 of type + payload, FULL/FIRST/MIDDLE/LAST), with history and summary records encoded
 * from our schema as the W&B SDK writes them (items keyed by `nested_key`, values as JSON text).
 * For benchmarks and tests that need files larger than the committed fixtures; the product only reads.
 */
import { BLOCK_SIZE, CHUNK_HEADER, chunkChecksum, WANDB_FILE_HEADER } from './recordLog';
import { RecordType } from './schema';

/** Frames records into the W&B log layout, in memory; {@link bytes} gives the file so far. */
export class WandbLogWriter {
  private readonly parts: Uint8Array[] = [];
  private offset = 0;
  private num = 0;

  constructor() {
    this.push(WANDB_FILE_HEADER);
  }

  /** Appends one record's bytes, split over blocks as needed. */
  writeRecord(payload: Uint8Array): void {
    let at = 0;
    let first = true;
    for (;;) {
      let left = BLOCK_SIZE - (this.offset % BLOCK_SIZE);
      if (left < CHUNK_HEADER) {
        this.push(new Uint8Array(left));
        left = BLOCK_SIZE;
      }
      const room = left - CHUNK_HEADER;
      const n = Math.min(room, payload.length - at);
      const last = at + n === payload.length;
      const type = first ? (last ? 1 : 2) : last ? 4 : 3;
      const data = payload.subarray(at, at + n);
      const header = new Uint8Array(CHUNK_HEADER);
      const view = new DataView(header.buffer);
      view.setUint32(0, chunkChecksum(type, data), true);
      view.setUint16(4, n, true);
      header[6] = type;
      this.push(header);
      this.push(data);
      at += n;
      first = false;
      if (last) {
        return;
      }
    }
  }

  /** Appends a history row and the summary update W&B writes with it: `values` by nested key. */
  writeStep(step: number, timeSec: number, runtimeSec: number, values: ReadonlyMap<string, number>): void {
    const items = [...values].map(([key, value]) => ({
      nested_key: key.split('/'),
      value_json: jsonNumber(value),
    }));
    items.push(
      { nested_key: ['_timestamp'], value_json: jsonNumber(timeSec) },
      { nested_key: ['_runtime'], value_json: jsonNumber(runtimeSec) },
      { nested_key: ['_step'], value_json: String(step) },
    );
    this.writeRecord(RecordType.encode({ num: ++this.num, summary: { update: items } }).finish());
    this.writeRecord(
      RecordType.encode({
        num: ++this.num,
        history: { item: items, step: step > 0 ? { num: step } : {} },
      }).finish(),
    );
  }

  /** Appends a run record (id, display name, project, start time in Unix ms). */
  writeRun(id: string, name: string, project: string, startMs: number): void {
    this.writeRecord(
      RecordType.encode({
        num: ++this.num,
        run: {
          run_id: id,
          display_name: name,
          project,
          start_time: { seconds: Math.floor(startMs / 1000), nanos: (startMs % 1000) * 1e6 },
        },
      }).finish(),
    );
  }

  /** Appends an exit record. */
  writeExit(exitCode: number, runtimeSec: number): void {
    this.writeRecord(
      RecordType.encode({ num: ++this.num, exit: { exit_code: exitCode, runtime: runtimeSec } }).finish(),
    );
  }

  /** The file's bytes so far. */
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.offset += part.length;
  }
}

/** A number as W&B's JSON text: shortest round-trip form; non-finite as `NaN`, `Infinity`, `-Infinity`. */
function jsonNumber(value: number): string {
  return Number.isFinite(value)
    ? String(value)
    : Number.isNaN(value)
      ? 'NaN'
      : value > 0
        ? 'Infinity'
        : '-Infinity';
}
