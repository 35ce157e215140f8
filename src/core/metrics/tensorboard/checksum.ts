/**
 * TFRecord checksums: masked CRC32C (Castagnoli, see `crc32c.ts`: native addon or JS), plus a batched
 * verifier that checks every record of a span with ONE CRC call.
 *
 * Framing (TensorFlow `tensorflow/core/lib/io/record_writer.cc`, TFRecord format):
 * `u64 LE length | u32 masked_crc32c(length bytes) | payload | u32 masked_crc32c(payload)`,
 * mask(crc) = ((crc >>> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32).
 *
 * Why batching: a native call costs ~170 ns here, more than decoding a scalar event, and every
 * record needs two. CRC is affine over GF(2), so the CRC of a whole buffer of valid records is
 * predictable from the record lengths and the stored checksums alone:
 * - `crc(M ‖ le32(crc(M)))` is the same constant `K` for every message M (the CRC residue);
 * - continuing a CRC from state c over n bytes adds `Tₙ(c)`, a linear map of c;
 * - a stored value that differs from the true checksum by d (here: the mask) adds `L(d)`, linear.
 * So for record blocks B₁…Bₖ (each "bytes + its checksum"), the expected running CRC is
 * `cᵢ = K ⊕ L(mᵢ ⊕ unmask(mᵢ)) ⊕ T_{|Bᵢ|}(cᵢ₋₁)`, evaluated with table look-ups. If the one
 * native CRC over the buffer equals cₖ, every record checks; otherwise the caller re-checks
 * record by record to name the bad ones. `Tₙ`, `L` and `K` are measured with the same CRC
 * library (CRCs of zero blocks), never hand-computed. A corrupted record changes the buffer CRC
 * by an invertible linear image of its own (non-zero) CRC error, so it is always detected; two
 * corruptions could cancel only with probability 2⁻³², the strength of CRC32C itself.
 */
import { crc32c } from './crc32c';

const MASK_DELTA = 0xa282ead8;

/** Masks a CRC32C the way TFRecord stores it. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** Masked CRC32C of `buf[start, end)`. */
export function maskedCrc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return maskCrc(crc32c(buf.subarray(start, end)));
}

/** A 4×256 look-up table of a linear map on 32-bit values (one table per byte of the input). */
type LinearTable = Uint32Array;

function tableFromBasis(basis: (bit: number) => number): LinearTable {
  const table = new Uint32Array(1024);
  for (let k = 0; k < 4; k++) {
    const row = k * 256;
    for (let b = 1; b < 256; b++) {
      const low = b & -b; // lowest set bit
      table[row + b] = (table[row + (b ^ low)] ^ basis(8 * k + 31 - Math.clz32(low))) >>> 0;
    }
  }
  return table;
}

function applyTable(table: LinearTable, x: number): number {
  return (
    table[x & 0xff] ^
    table[256 + ((x >>> 8) & 0xff)] ^
    table[512 + ((x >>> 16) & 0xff)] ^
    table[768 + (x >>> 24)]
  );
}

const MAX_SHIFT_TABLES = 512;
/** Largest block the shift tables are made for (payload + 4-byte checksum). */
const MAX_BLOCK = (1 << 16) + 4;

/**
 * CRC algebra shared by every predictor, measured once with the CRC library: the residue K,
 * the trailer map L and one shift table Tₙ per block length n met so far.
 */
class CrcAlgebra {
  private readonly zeros = Buffer.alloc(MAX_BLOCK);
  /** `crc32c(0,0,0,0)`: the residue K of a block followed by its own CRC. */
  readonly residue = crc32c(this.zeros.subarray(0, 4));
  /** L: effect of changing a block's trailing checksum by d. */
  readonly trailer = tableFromBasis((bit) => (crc32c(le32(2 ** bit)) ^ this.residue) >>> 0);
  /** Indexed by block length (an array: faster than a Map in the per-record path). */
  private shifts: (LinearTable | undefined)[] = [];
  private tables = 0;
  /** T₁₂, for record headers. */
  readonly header = this.shift(12);

  /** Tₙ(c) = crc32c(zeros(n), c) ⊕ crc32c(zeros(n), 0): continuing a CRC over n bytes. */
  shift(n: number): LinearTable {
    let table = this.shifts[n];
    if (table === undefined) {
      if (this.tables >= MAX_SHIFT_TABLES) {
        this.shifts = [];
        this.tables = 0;
      }
      const block = this.zeros.subarray(0, n);
      const base = crc32c(block, 0);
      table = tableFromBasis((bit) => (crc32c(block, 2 ** bit) ^ base) >>> 0);
      this.shifts[n] = table;
      this.tables++;
    }
    return table;
  }
}

let algebra: CrcAlgebra | undefined;

/**
 * Predicts the CRC32C of a run of TFRecord records from their lengths and stored checksums.
 * Cheap to create; the look-up tables are shared (4 KiB per distinct block length, at most 512).
 */
export class BatchCrcPredictor {
  /** Largest record payload the batched path takes; longer ones are checked one by one. */
  static readonly MAX_PAYLOAD = MAX_BLOCK - 4;

  private readonly algebra = (algebra ??= new CrcAlgebra());
  /** Running prediction; start a run with {@link reset}. */
  value = 0;

  reset(): void {
    this.value = 0;
  }

  /** Folds in the 12-byte header block (length + masked CRC `stored`). */
  addHeader(stored: number): void {
    const a = this.algebra;
    this.value =
      (a.residue ^
        applyTable(a.trailer, (stored ^ unmaskCrc(stored)) >>> 0) ^
        applyTable(a.header, this.value)) >>>
      0;
  }

  /**
   * Folds in one whole record at `p` in `view` (header, then a payload of `payloadLength` bytes),
   * reading the two stored checksums itself: the same as {@link addHeader} + {@link addPayload},
   * but no 32-bit checksum crosses a function call (where V8 may have to box it).
   */
  addRecord(view: DataView, p: number, payloadLength: number): void {
    const a = this.algebra;
    const header = view.getUint32(p + 8, true);
    const trailer = view.getUint32(p + 12 + payloadLength, true);
    let table = this.lastTable;
    if (payloadLength !== this.lastLength) {
      table = this.lastTable = a.shift(payloadLength + 4);
      this.lastLength = payloadLength;
    }
    const afterHeader =
      a.residue ^
      applyTable(a.trailer, (header ^ unmaskCrc(header)) >>> 0) ^
      applyTable(a.header, this.value);
    this.value =
      (a.residue ^
        applyTable(a.trailer, (trailer ^ unmaskCrc(trailer)) >>> 0) ^
        applyTable(table, afterHeader >>> 0)) >>>
      0;
  }

  /** Shift table of the last payload length met (records of one writer often share a length). */
  private lastLength = -1;
  private lastTable: LinearTable = new Uint32Array(1024);

  /** Folds in a payload block of `payloadLength` bytes followed by the masked CRC `stored`. */
  addPayload(payloadLength: number, stored: number): void {
    const a = this.algebra;
    this.value =
      (a.residue ^
        applyTable(a.trailer, (stored ^ unmaskCrc(stored)) >>> 0) ^
        applyTable(a.shift(payloadLength + 4), this.value)) >>>
      0;
  }
}

function le32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}
