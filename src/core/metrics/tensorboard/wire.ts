/**
 * Reads of protobuf wire values over protobufjs's `Reader` that the TensorBoard event decoder needs
 * beyond the reader's own: int64 steps as numbers, and fixed-width floats read through a `DataView`
 * on the chunk (protobufjs's `float()`/`double()` copy bytes; this reads in place). Bounds are checked
 * as protobufjs does. Varints, lengths and skips stay with protobufjs.
 */
import type protobuf from 'protobufjs';

/** A protobufjs reader; `view` is its cached DataView, reset when the buffer changes. */
export type WireReader = protobuf.Reader & { view?: DataView | null };

/**
 * Reads an int64 varint as a number. Steps are almost always below 2^28 (at most 4 varint bytes):
 * those are read with protobufjs's `uint32`, which allocates nothing; longer ones (large or
 * negative values) are read again with its `int64`. protobufjs decodes the varint either way.
 */
export function readInt64(r: protobuf.Reader): number {
  const start = r.pos;
  const low = r.uint32();
  if (r.pos - start <= 4) {
    return low;
  }
  r.pos = start;
  return toNumber(r.int64());
}

/** A protobufjs 64-bit integer as a number (exact below 2^53). */
export function toNumber(value: number | protobuf.Long): number {
  if (typeof value === 'number') {
    return value;
  }
  return (value.unsigned ? value.high >>> 0 : value.high) * 0x1_0000_0000 + (value.low >>> 0);
}

/**
 * Reads a little-endian double (`fixed64` wire type) at `r.pos` through `view` (a view over the
 * reader's buffer) and advances `r`.
 * @throws RangeError when fewer than 8 bytes remain before `r.len`.
 */
export function readDouble(r: protobuf.Reader, view: DataView): number {
  const pos = r.pos;
  if (pos + 8 > r.len) {
    throw new RangeError(`index out of range: ${pos} + 8 > ${r.len}`);
  }
  r.pos = pos + 8;
  return view.getFloat64(pos, true);
}

/**
 * Reads a little-endian float (`fixed32` wire type) at `r.pos` through `view` and advances `r`.
 * @throws RangeError when fewer than 4 bytes remain before `r.len`.
 */
export function readFloat(r: protobuf.Reader, view: DataView): number {
  const pos = r.pos;
  if (pos + 4 > r.len) {
    throw new RangeError(`index out of range: ${pos} + 4 > ${r.len}`);
  }
  r.pos = pos + 4;
  return view.getFloat32(pos, true);
}
