/**
 * The framing of a W&B run file (`run-<id>.wandb`): a 7-byte W&B header, then a LevelDB-log-style
 * stream of records.
 *
 * Layout (learned from the W&B SDK's Go service, `core/pkg/leveldb/record.go`, a modified copy of
 * LevelDB-Go's `record` package, and checked against files written by wandb 0.30):
 * - File header: the ASCII bytes `:W&B`, the magic 0xBEE1 as a little-endian u16, a version byte (0).
 * - The file is cut in 32 KiB blocks counted from the start of the file (the header sits in block 0).
 *   A block holds tightly packed chunks; a chunk never crosses a block boundary. Fewer than 7 bytes
 *   left at the end of a block are zero padding.
 * - Chunk: `u32 LE checksum | u16 LE length | u8 type | payload[length]`. The checksum is the CRC-32
 *   (IEEE 802.3, zlib's `crc32`, unmasked) of the type byte followed by the payload.
 * - Type 1 FULL holds a whole record; a longer record is FIRST (2), zero or more MIDDLE (3), LAST (4).
 * - A record's bytes are one protobuf `wandb_internal.Record` (see `schema.ts`).
 *
 * On corruption (bad checksum, a length running past its block, an unknown type, chunks out of order)
 * the rest of the block is skipped and reading resumes at the next FULL or FIRST chunk, as LevelDB
 * readers recover; each skip is one warning with its byte offset. An incomplete chunk at the end of
 * the data (a file still being written) is not an error: the scanner stops before it and resumes there.
 */
import * as zlib from 'node:zlib';

/** Size of a block, in bytes. */
export const BLOCK_SIZE = 32 * 1024;
/** Size of a chunk header (checksum, length, type), in bytes. */
export const CHUNK_HEADER = 7;
/** Size of the W&B file header, in bytes. */
export const FILE_HEADER = 7;

const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

const IEEE_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib) in JavaScript, for Node versions before `zlib.crc32` (20.15). */
function crc32Js(data: Uint8Array, initial = 0): number {
  let crc = ~initial;
  for (let i = 0; i < data.length; i++) {
    crc = IEEE_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

/** CRC-32 (IEEE) of `data`, continuing from `initial`: zlib's native one when Node has it. */
export const crc32: (data: Uint8Array, initial?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data, initial) => zlib.crc32(data, initial)
    : crc32Js;

/** CRC-32 of each one-byte chunk type, the start of every chunk's checksum. */
const TYPE_CRC = Array.from({ length: 256 }, (_, type) => crc32(Uint8Array.of(type)));

/** The checksum stored in a chunk header for `type` and `payload`. */
export function chunkChecksum(type: number, payload: Uint8Array): number {
  return crc32(payload, TYPE_CRC[type & 0xff]);
}

/** The file header every W&B run file starts with. */
export const WANDB_FILE_HEADER: Uint8Array = Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00);

/** A problem in the framing, at a byte offset of the file. */
export interface FramingProblem {
  offset: number;
  message: string;
}

/** One complete record: its payload (a view into the scanned bytes, or a copy) and where it starts. */
export interface LogRecord {
  /** File offset of the record's first chunk header. */
  offset: number;
  bytes: Uint8Array;
}

/** What one {@link RecordLogScanner.scan} found. */
export interface ScanResult {
  /** Complete records, in file order. */
  records: LogRecord[];
  problems: FramingProblem[];
}

/**
 * Incremental scanner of the record stream. Feed it the file's bytes from {@link resumeOffset} to
 * the current end; it returns the complete records and remembers where to resume. A record split
 * over several chunks is kept until its LAST chunk arrives (a record split over blocks is thus read
 * again from its FIRST chunk by the next scan: {@link resumeOffset} stays there).
 */
export class RecordLogScanner {
  /** File offset at which the next scan must start. */
  private offset = 0;
  /** The header was checked (and was a W&B header). */
  private headerSeen = false;
  /** After corruption: chunks are skipped until a FULL or FIRST one. */
  private recovering = false;
  /** The file does not start with a W&B header: nothing is read. */
  private refused = false;

  /** Offset of the file where the next call of {@link scan} must start its bytes. */
  get resumeOffset(): number {
    return this.offset;
  }

  /** True once the file was found not to be a W&B run file. */
  get notWandb(): boolean {
    return this.refused;
  }

  /**
   * Scans `data`, the bytes of the file from {@link resumeOffset} to its current end.
   * Never throws for bad bytes: they become problems.
   */
  scan(data: Uint8Array): ScanResult {
    const records: LogRecord[] = [];
    const problems: FramingProblem[] = [];
    if (this.refused) {
      return { records, problems };
    }
    const base = this.offset;
    let pos = 0; // into data
    if (!this.headerSeen) {
      if (data.length < FILE_HEADER) {
        if (!isPrefixOfHeader(data)) {
          this.refused = true;
          problems.push({ offset: 0, message: 'not a W&B run file (no :W&B header)' });
        }
        return { records, problems };
      }
      if (!isPrefixOfHeader(data.subarray(0, 6))) {
        this.refused = true;
        problems.push({ offset: 0, message: 'not a W&B run file (no :W&B header)' });
        return { records, problems };
      }
      if (data[6] !== 0) {
        problems.push({
          offset: 6,
          message: `W&B file format version ${data[6]} is newer than 0; reading it as 0`,
        });
      }
      this.headerSeen = true;
      pos = FILE_HEADER;
      this.offset = base + FILE_HEADER;
    }
    /** Start (in `data`) of the FIRST chunk of the record being assembled; -1 when none. */
    let recordStart = -1;
    let parts: Uint8Array[] = [];
    for (;;) {
      const abs = base + pos;
      const left = BLOCK_SIZE - (abs % BLOCK_SIZE);
      if (left < CHUNK_HEADER) {
        if (pos + left > data.length) {
          break; // padding not all written yet
        }
        pos += left;
        if (recordStart < 0) {
          this.offset = base + pos;
        }
        continue;
      }
      if (pos + CHUNK_HEADER > data.length) {
        break;
      }
      const checksum = readU32(data, pos);
      const length = data[pos + 4] | (data[pos + 5] << 8);
      const type = data[pos + 6];
      let bad: string | undefined;
      if (checksum === 0 && length === 0 && type === 0) {
        // A zeroed rest of block (a preallocated or padded file) is skipped, as LevelDB readers do.
        if (pos + left > data.length) {
          break;
        }
        if (recordStart < 0) {
          pos += left;
          this.offset = base + pos;
          continue;
        }
        bad = 'a record is cut by a zeroed block';
      } else if (CHUNK_HEADER + length > left) {
        bad = `chunk length ${length} runs past its 32 KiB block`;
      } else if (pos + CHUNK_HEADER + length > data.length) {
        break; // the chunk is still being written
      } else if (type < FULL || type > LAST) {
        bad = `unknown chunk type ${type}`;
      } else if (
        chunkChecksum(type, data.subarray(pos + CHUNK_HEADER, pos + CHUNK_HEADER + length)) !== checksum
      ) {
        bad = 'checksum mismatch';
      }
      if (bad !== undefined) {
        problems.push({ offset: abs, message: `${bad}; the rest of the block is skipped` });
        if (recordStart >= 0) {
          problems.push({ offset: base + recordStart, message: 'a record cut by corruption is skipped' });
        }
        recordStart = -1;
        parts = [];
        this.recovering = true;
        pos += left;
        this.offset = base + pos;
        continue;
      }
      const payload = data.subarray(pos + CHUNK_HEADER, pos + CHUNK_HEADER + length);
      const chunkStart = pos;
      pos += CHUNK_HEADER + length;
      if (this.recovering && (type === MIDDLE || type === LAST)) {
        this.offset = base + pos; // the rest of a record whose start was lost
        continue;
      }
      this.recovering = false;
      if (type === FULL || type === FIRST) {
        if (recordStart >= 0) {
          problems.push({ offset: base + recordStart, message: 'a record has no LAST chunk; it is skipped' });
        }
        recordStart = -1;
        parts = [];
        if (type === FULL) {
          records.push({ offset: base + chunkStart, bytes: payload });
          this.offset = base + pos;
        } else {
          recordStart = chunkStart;
          parts = [payload];
        }
        continue;
      }
      if (recordStart < 0) {
        problems.push({
          offset: base + chunkStart,
          message: `a ${type === MIDDLE ? 'MIDDLE' : 'LAST'} chunk without a FIRST one; it is skipped`,
        });
        this.offset = base + pos;
        continue;
      }
      parts.push(payload);
      if (type === LAST) {
        records.push({ offset: base + recordStart, bytes: concat(parts) });
        recordStart = -1;
        parts = [];
        this.offset = base + pos;
      }
    }
    return { records, problems };
  }
}

function readU32(data: Uint8Array, pos: number): number {
  return (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24)) >>> 0;
}

function isPrefixOfHeader(data: Uint8Array): boolean {
  for (let i = 0; i < data.length && i < 6; i++) {
    if (data[i] !== WANDB_FILE_HEADER[i]) {
      return false;
    }
  }
  return true;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) {
    return parts[0];
  }
  let total = 0;
  for (const p of parts) {
    total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
