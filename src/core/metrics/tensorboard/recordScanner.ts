/**
 * Incremental, chunked TFRecord scanning with both masked CRC32C checks.
 *
 * A file is streamed in chunks (1 MiB by default) through two reusable buffers, the next chunk
 * being read while the current one is parsed; a buffer grows only to fit a single larger record,
 * so memory stays bounded whatever the file size (about 3 chunks per scanner). Each file keeps a
 * {@link FileCursor}: the byte offset up to which records were consumed. A record that is not
 * complete yet at the end of the file (a writer mid-append) is left unconsumed for the next scan
 * and is not a warning.
 *
 * When a byte budget stops a scan, what was already read ahead stays buffered for the next
 * scan of the same file, which continues from there.
 *
 * Checksums: the records of each 64 KiB span are verified together with one CRC call
 * ({@link BatchCrcPredictor}) and handed to the sink right after, while still in the CPU cache;
 * only when that fails are they re-checked one by one, to name and skip the bad ones. Records
 * above 64 KiB are always checked one by one.
 *
 * Corruption handling (each case is a {@link ReadWarning} naming the file and byte offset):
 * - bad payload checksum: that record is skipped; its length was verified, so the next record
 *   starts where it should;
 * - bad length checksum: the length cannot be trusted, so we resynchronise: scan forward byte by
 *   byte for the next header whose length checksum verifies (a false match has probability
 *   2⁻³² per position, and the payload checksum still guards what follows), warn once where the
 *   bad header was and once where reading resumed. The scan survives across reads of a live file;
 * - a record longer than {@link MAX_RECORD_BYTES} (its length checksum being valid) is skipped
 *   unchecked with a warning rather than buffered, once the file holds all of it.
 */
import { open } from 'node:fs/promises';
import { CancelledError } from '../../base/errors';
import { crc32c } from './crc32c';
import type { ReadWarning } from '../series';
import { BatchCrcPredictor, maskCrc } from './checksum';

/** Bytes of a record header: u64 length + u32 masked CRC of the length. */
export const HEADER_BYTES = 12;
/** Bytes of framing around a payload: header + u32 masked CRC of the payload. */
export const FRAMING_BYTES = 16;
/** Largest record we buffer; the biggest real events (graphs, images) are far below this. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Default chunk size for streaming. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/** Where reading of one event file stands. */
export interface FileCursor {
  /** Absolute path. */
  readonly path: string;
  /** File offset of the first byte not consumed yet (start of the next record). */
  offset: number;
  /** True while scanning for a valid header after a bad length checksum. */
  resyncing: boolean;
  /** File offset where the current resynchronisation started. */
  resyncFrom: number;
  /** Bytes after `offset` that do not form a complete record yet (as of the last scan). */
  pendingBytes: number;
}

/** Creates a cursor at the start of `path`. */
export function newCursor(path: string): FileCursor {
  return { path, offset: 0, resyncing: false, resyncFrom: 0, pendingBytes: 0 };
}

/** Receives each record whose checksums verified. */
export interface RecordSink {
  /**
   * Payload is `buf[start, end)`; `offset` is the file offset of the record header. The buffer is
   * reused after the call returns: copy what must outlive it.
   */
  record(buf: Buffer, start: number, end: number, offset: number, path: string): void;
}

/** Outcome of scanning one file. */
export interface ScanResult {
  /** Bytes consumed (records read, skipped or resynchronised over). */
  bytesConsumed: number;
  /** True when the byte budget stopped the scan before the end of the file. */
  more: boolean;
}

/** Bytes verified per native CRC call in the fast path (records are decoded right after). */
const SPAN_BYTES = 64 * 1024;

/** Largest payload verified in batch (see {@link BatchCrcPredictor}). */
const BATCH_MAX_PAYLOAD = BatchCrcPredictor.MAX_PAYLOAD;

/** u32 little-endian at `p` (a DataView load: one machine load once optimised). */
function u32(view: DataView, p: number): number {
  return view.getUint32(p, true);
}

/** u64 little-endian length at `p`; values ≥ 2^53 are absurd and caught by MAX_RECORD_BYTES. */
function readLength(view: DataView, p: number): number {
  return view.getUint32(p, true) + view.getUint32(p + 4, true) * 0x1_0000_0000;
}

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Scans TFRecord files, delivering verified payloads to a sink. One scanner per reader (it owns
 * the chunk buffer and the CRC tables); not safe for concurrent scans.
 */
export class RecordScanner {
  private buf: Buffer;
  /** A DataView on {@link buf}, replaced with it. */
  private view: DataView;
  private readonly predictor = new BatchCrcPredictor();
  /** Bytes the parser needs at the buffer start to make progress (set by {@link parse}). */
  private need = HEADER_BYTES;
  private cursor!: FileCursor;
  private sink!: RecordSink;
  private warnings!: ReadWarning[];
  /** File offset of `buf[0]` during a scan. */
  private base = 0;
  /** File size seen at the start of the scan. */
  private size = 0;

  /** Bytes `buf[0, have)` read from file offset `base` of `path` and not consumed yet. */
  private kept: { path: string; base: number; have: number } | undefined;

  /** Receives the next chunk while the previous one is parsed. */
  private spare: Buffer;

  constructor(private readonly chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.buf = Buffer.allocUnsafe(2 * chunkBytes);
    this.view = viewOf(this.buf);
    this.spare = Buffer.allocUnsafe(chunkBytes);
  }

  /**
   * Reads `cursor.path` from `cursor.offset` up to the file size seen at open, delivering records
   * to `sink` and problems to `warnings`. Stops early (with `more`) once `maxBytes` were consumed.
   * The next chunk is read while the current one is parsed (two buffers), so parsing does not
   * wait for the disk.
   *
   * @param signal checked between chunks: a large file stops being read soon after it fires.
   * @throws the `fs` error when the file cannot be opened or read (the caller reports it);
   *   CancelledError when `signal` fired (the cursor is then left as it was).
   */
  async scan(
    cursor: FileCursor,
    sink: RecordSink,
    warnings: ReadWarning[],
    maxBytes = Infinity,
    signal?: AbortSignal,
  ): Promise<ScanResult> {
    const handle = await open(cursor.path, 'r');
    this.cursor = cursor;
    this.sink = sink;
    this.warnings = warnings;
    let inflight: Promise<{ bytesRead: number }> | undefined;
    try {
      let size = (await handle.stat()).size;
      if (size < cursor.offset) {
        warnings.push({
          file: cursor.path,
          offset: size,
          message: `event file is shorter (${size} bytes) than the ${cursor.offset} bytes already read: it was truncated or replaced; it is not read again`,
        });
        return { bytesConsumed: 0, more: false };
      }
      const start = cursor.offset;
      const chunk = this.chunkBytes;
      this.base = start;
      this.size = size;
      // Bytes read ahead by the previous scan of this file, stopped by its budget, are reused.
      const kept = this.kept;
      this.kept = undefined;
      let have =
        kept && kept.path === cursor.path && kept.base === start && start + kept.have <= size ? kept.have : 0;
      let readPos = start + have;
      let more = false;
      const readFrom = (pos: number): Promise<{ bytesRead: number }> | undefined =>
        pos < size ? handle.read(this.spare, 0, Math.min(chunk, size - pos), pos) : undefined;
      inflight = readFrom(readPos);
      let wait = have === 0; // with bytes kept, parse them while the next chunk is read
      for (;;) {
        if (signal?.aborted) {
          throw new CancelledError();
        }
        if (inflight && wait) {
          const { bytesRead } = await inflight;
          inflight = undefined;
          if (bytesRead === 0) {
            this.size = size = readPos; // the file shrank under us; what is left stays pending
          } else {
            if (have + bytesRead > this.buf.length) {
              this.grow(have + bytesRead);
            }
            this.spare.copy(this.buf, have, 0, bytesRead);
            have += bytesRead;
            readPos += bytesRead;
          }
          inflight = readFrom(readPos);
        }
        wait = true;
        const used = this.parse(have);
        if (used > have) {
          // An oversized record, complete in the file, skipped unchecked: jump over it.
          await inflight;
          this.base += used;
          readPos = this.base;
          have = 0;
          inflight = readFrom(readPos);
        } else if (used > 0) {
          this.buf.copyWithin(0, used, have);
          this.base += used;
          have -= used;
        }
        if (this.base >= size) {
          break;
        }
        if (used === 0 && (!inflight || this.need === Infinity)) {
          break; // an incomplete record at the end of the file: left for the next scan
        }
        if (this.base - start >= maxBytes) {
          more = true;
          break;
        }
      }
      if (more) {
        // Keep what is buffered and the chunk being read for the next scan, which continues here.
        if (inflight) {
          const { bytesRead } = await inflight;
          inflight = undefined;
          if (have + bytesRead > this.buf.length) {
            this.grow(have + bytesRead);
          }
          this.spare.copy(this.buf, have, 0, bytesRead);
          have += bytesRead;
        }
        this.kept = { path: cursor.path, base: this.base, have };
      }
      cursor.offset = this.base;
      cursor.pendingBytes = Math.max(0, size - this.base);
      return { bytesConsumed: this.base - start, more };
    } finally {
      await inflight; // never close the handle under a pending read
      await handle.close();
      if (this.buf.length > 2 * this.chunkBytes && !this.kept) {
        this.buf = Buffer.allocUnsafe(2 * this.chunkBytes); // give back memory taken for a big record
        this.view = viewOf(this.buf);
      }
    }
  }

  private grow(size: number): void {
    const next = Buffer.allocUnsafe(
      Math.min(Math.max(size, this.buf.length * 2), MAX_RECORD_BYTES + FRAMING_BYTES + this.chunkBytes),
    );
    this.buf.copy(next, 0, 0, this.buf.length);
    this.buf = next;
    this.view = viewOf(next);
  }

  /**
   * Consumes complete records from `buf[0, end)` and returns how many bytes were consumed
   * (which exceeds `end` only to skip an oversized record). Sets `need` to the bytes required at
   * the new start to progress.
   */
  private parse(end: number): number {
    const buf = this.buf;
    const view = this.view;
    let p = 0;
    if (this.cursor.resyncing) {
      p = this.resync(0, end);
      if (this.cursor.resyncing) {
        return p;
      }
    }
    const predictor = this.predictor;
    for (;;) {
      // Fast path: walk complete, small records; verify them all with one native CRC. Spans are
      // kept small enough that their records are still in the CPU cache when they are decoded.
      const spanStart = p;
      const spanEnd = Math.min(end, p + SPAN_BYTES);
      predictor.reset();
      let count = 0;
      while (spanEnd - p >= HEADER_BYTES) {
        const length = readLength(view, p);
        if (length > BATCH_MAX_PAYLOAD || p + FRAMING_BYTES + length > spanEnd) {
          break;
        }
        predictor.addRecord(view, p, length);
        p += FRAMING_BYTES + length;
        count++;
      }
      if (count > 0) {
        if (crc32c(buf.subarray(spanStart, p)) === predictor.value) {
          const path = this.cursor.path;
          for (let q = spanStart; q < p;) {
            const length = u32(view, q);
            this.sink.record(buf, q + HEADER_BYTES, q + HEADER_BYTES + length, this.base + q, path);
            q += FRAMING_BYTES + length;
          }
        } else {
          return this.slowParse(spanStart, end);
        }
        if (spanEnd < end) {
          continue; // the span was full: the next one starts at p
        }
      }
      // The next record is incomplete, large, or its header is damaged: decide one by one.
      if (end - p < HEADER_BYTES) {
        this.need = HEADER_BYTES;
        return p;
      }
      if (!this.headerValid(p)) {
        return this.slowParse(p, end);
      }
      const length = readLength(view, p);
      if (length > MAX_RECORD_BYTES) {
        return this.skipOversized(p, length);
      }
      if (p + FRAMING_BYTES + length > end) {
        this.need = FRAMING_BYTES + length;
        return p;
      }
      this.checkedRecord(p, length);
      p += FRAMING_BYTES + length;
    }
  }

  /** Record-by-record parsing with individual checks, used once something failed to verify. */
  private slowParse(start: number, end: number): number {
    let p = start;
    while (end - p >= HEADER_BYTES) {
      if (!this.headerValid(p)) {
        this.cursor.resyncing = true;
        this.cursor.resyncFrom = this.base + p;
        this.warn(p, 'bad length checksum in record header; scanning forward for the next valid record');
        p = this.resync(p + 1, end);
        if (this.cursor.resyncing) {
          return p;
        }
        continue;
      }
      const length = readLength(this.view, p);
      if (length > MAX_RECORD_BYTES) {
        return this.skipOversized(p, length);
      }
      if (p + FRAMING_BYTES + length > end) {
        this.need = FRAMING_BYTES + length;
        return p;
      }
      this.checkedRecord(p, length);
      p += FRAMING_BYTES + length;
    }
    this.need = HEADER_BYTES;
    return p;
  }

  /**
   * Looks for a valid header from `p`. On success clears `resyncing` (with a warning saying where
   * reading resumed) and returns its position; otherwise returns the position from which the
   * search must continue once more bytes arrive (the last 11 bytes may start a header).
   */
  private resync(p: number, end: number): number {
    for (; end - p >= HEADER_BYTES; p++) {
      if (this.buf[p] === 0) {
        // A header whose 12 bytes are all zero is invalid (its checksum is never 0), so a run of zeros
        // (a preallocated or zero-filled file) is crossed by one comparison per byte instead of a CRC
        // per position: headers starting up to 12 bytes before the next non-zero byte are all zeros.
        const next = nextNonZero(this.buf, p, end);
        if (next - (HEADER_BYTES - 1) > p) {
          p = next - HEADER_BYTES; // the loop's p++ lands on next - 11
          continue;
        }
      }
      if (this.headerValid(p)) {
        const from = this.cursor.resyncFrom;
        this.cursor.resyncing = false;
        this.warn(p, `resumed reading at a valid record after skipping ${this.base + p - from} bytes`);
        return p;
      }
    }
    this.need = HEADER_BYTES;
    return p;
  }

  /** Skips a record too large to buffer once it is complete in the file; waits otherwise. */
  private skipOversized(p: number, length: number): number {
    if (this.base + p + FRAMING_BYTES + length > this.size) {
      this.need = Infinity;
      return p;
    }
    this.warn(p, `record of ${length} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit; skipped unchecked`);
    return p + FRAMING_BYTES + length;
  }

  private headerValid(p: number): boolean {
    return maskCrc(crc32c(this.buf.subarray(p, p + 8))) === this.buf.readUInt32LE(p + 8);
  }

  private checkedRecord(p: number, length: number): void {
    const start = p + HEADER_BYTES;
    const stored = this.buf.readUInt32LE(start + length);
    if (maskCrc(crc32c(this.buf.subarray(start, start + length))) !== stored) {
      this.warn(p, `bad data checksum; record of ${length} bytes skipped`);
      return;
    }
    this.sink.record(this.buf, start, start + length, this.base + p, this.cursor.path);
  }

  private warn(p: number, message: string): void {
    this.warnings.push({ file: this.cursor.path, offset: this.base + p, message });
  }
}

/** Index of the first non-zero byte of `buf` in [from, end), or `end`. */
function nextNonZero(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && buf[i] === 0) {
    i++;
  }
  return i;
}
