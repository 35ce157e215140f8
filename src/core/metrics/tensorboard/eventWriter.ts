/**
 * Writes TensorBoard event files with the same schema and CRC library the reader uses. Used by
 * tests (edge cases), the benchmark and demos; files it writes open in TensorBoard itself.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from './checksum';
import { EventType } from './schema';
import { SCALARS_PLUGIN } from './eventDecoder';

/** A TensorProto as plain data (field names as in tensor.proto). */
export interface TensorInit {
  dtype: number;
  tensor_shape?: { dim?: { size: number }[] };
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  int64_val?: number[];
  half_val?: number[];
  bool_val?: boolean[];
}

/** A Summary.Value as plain data. */
export interface SummaryValueInit {
  tag: string;
  simple_value?: number;
  tensor?: TensorInit;
  histo?: Uint8Array;
  image?: Uint8Array;
  metadata?: { plugin_data: { plugin_name: string; content?: Uint8Array } };
}

/** An Event as plain data: `wall_time` in Unix seconds. */
export interface EventInit {
  wall_time: number;
  step?: number;
  file_version?: string;
  summary?: { value: SummaryValueInit[] };
}

/** Frames a payload as one TFRecord: length, masked CRC of the length, payload, masked CRC. */
export function frameRecord(payload: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(payload.length + 16);
  record.writeUInt32LE(payload.length >>> 0, 0);
  record.writeUInt32LE(Math.floor(payload.length / 0x1_0000_0000), 4);
  record.writeUInt32LE(maskedCrc32c(record, 0, 8), 8);
  record.set(payload, 12);
  record.writeUInt32LE(maskedCrc32c(payload), 12 + payload.length);
  return record;
}

/** Encodes an event with the protobufjs schema. */
export function encodeEvent(event: EventInit): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}

/** One framed event record. */
export function eventRecord(event: EventInit): Buffer {
  return frameRecord(encodeEvent(event));
}

/** The first record of every event file. */
export function fileVersionEvent(wallTime: number): EventInit {
  return { wall_time: wallTime, file_version: 'brain.Event:2' };
}

/**
 * A scalar event as PyTorch's `add_scalar` writes it (`simple_value`), or as TF2's
 * `tf.summary.scalar` does (a rank-0 DT_FLOAT tensor; the `scalars` plugin metadata only when
 * `withMetadata`, i.e. on a tag's first value).
 */
export function scalarEvent(
  tag: string,
  step: number,
  value: number,
  wallTime: number,
  style: 'simple' | 'tensor' = 'simple',
  withMetadata = false,
): EventInit {
  const summaryValue: SummaryValueInit =
    style === 'simple'
      ? { tag, simple_value: value }
      : { tag, tensor: { dtype: 1, tensor_shape: {}, float_val: [value] } };
  if (withMetadata) {
    summaryValue.metadata = { plugin_data: { plugin_name: SCALARS_PLUGIN } };
  }
  return { wall_time: wallTime, step, summary: { value: [summaryValue] } };
}

/** Default event file name: `events.out.tfevents.<seconds>.<host>.<pid>.<n>`. */
export function eventFileName(wallTimeSeconds: number, n = 0): string {
  return `events.out.tfevents.${Math.floor(wallTimeSeconds)}.${hostname()}.${process.pid}.${n}`;
}

/**
 * Appends events to one file, buffering up to `bufferBytes` between writes. Starts the file with
 * the `file_version` record, like TensorFlow's writer.
 */
export class EventFileWriter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  private constructor(
    private readonly handle: FileHandle,
    /** Path of the event file. */
    readonly path: string,
    private readonly bufferBytes: number,
  ) {}

  /** Creates (truncates) `dir/<name>` and writes its file_version record. */
  static async create(
    dir: string,
    options: { name?: string; wallTime?: number; bufferBytes?: number } = {},
  ): Promise<EventFileWriter> {
    const wallTime = options.wallTime ?? Date.now() / 1000;
    const path = join(dir, options.name ?? eventFileName(wallTime));
    const writer = new EventFileWriter(await open(path, 'w'), path, options.bufferBytes ?? 1 << 20);
    await writer.write(fileVersionEvent(wallTime));
    return writer;
  }

  /** Appends one event; writes through when the buffer is full. */
  async write(event: EventInit): Promise<void> {
    await this.writeRecord(eventRecord(event));
  }

  /** Appends an already framed record. */
  async writeRecord(record: Buffer): Promise<void> {
    this.chunks.push(record);
    this.buffered += record.length;
    if (this.buffered >= this.bufferBytes) {
      await this.flush();
    }
  }

  /** Writes buffered records to the file. */
  async flush(): Promise<void> {
    if (this.buffered === 0) {
      return;
    }
    const data = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    await this.handle.write(data);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
