/**
 * Reads the number of a one-element `TensorProto` (TF2 `tf.summary.scalar`, the Keras callback):
 * any shape with one element, of a numeric dtype, from the typed `*_val` field or from
 * `tensor_content` (little-endian), as TensorBoard does (`tensorboard/data_compat.py`). Walks the
 * wire format with the event decoder's protobufjs `Reader`, over the keys in {@link KEYS}.
 */
import { DataType, KEYS, WIRE_LEN } from './schema';
import { readDouble, readFloat, toNumber } from './wire';
import type { WireReader } from './wire';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits → number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) {
    return sign * fraction * 2 ** -24;
  }
  if (exponent === 31) {
    return fraction ? NaN : sign * Infinity;
  }
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits (the high half of a float32) → number. */
export function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/**
 * Reads scalar tensors; the result of the last successful {@link read} is left in its fields
 * (reused for every value of a run, so a read allocates nothing).
 */
export class TensorScalarReader {
  /** The number read. */
  value = 0.5;
  /** Offset in the buffer where it was read, and its width if a float or double field (else 0). */
  at = 0;
  bytes = 0;

  /**
   * Reads the TensorProto in `buf[start, end)` with `r` (positioned anywhere; left inside the
   * tensor) and `view` (over the same bytes as `buf`).
   * @returns true, with {@link value}, {@link at} and {@link bytes} set, when it is a one-element
   *   numeric tensor.
   * @throws RangeError (from protobufjs or the float reads) for a tensor cut short.
   */
  read(r: WireReader, view: DataView, buf: Buffer, start: number, end: number): boolean {
    r.pos = start;
    r.len = end;
    let dtype = 0;
    let elements = 1;
    let contentStart = -1;
    let contentEnd = -1;
    let values = 0;
    let first = NaN;
    let firstAt = 0;
    let firstBytes = 0;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === KEYS.tensor.dtype) {
        dtype = r.int32();
      } else if (key === KEYS.tensor.shape) {
        const length = r.uint32();
        elements = shapeElements(r, r.pos + length);
        r.len = end;
      } else if (key === KEYS.tensor.content) {
        const length = r.uint32();
        contentStart = r.pos;
        r.skip(length);
        contentEnd = r.pos;
      } else {
        const field = key >>> 3;
        const wire = key & 7;
        if (wire === WIRE_LEN && isTypedField(field)) {
          const length = r.uint32();
          const packedEnd = r.pos + length;
          r.len = packedEnd;
          while (r.pos < packedEnd) {
            const at = r.pos;
            const v = typed(r, view, field);
            if (values++ === 0) {
              first = v;
              firstAt = at;
              firstBytes = field === KEYS.tensor.floatVal ? 4 : field === KEYS.tensor.doubleVal ? 8 : 0;
            }
          }
          r.len = end;
        } else if (isTypedField(field)) {
          const at = r.pos;
          const v = typed(r, view, field);
          if (values++ === 0) {
            first = v;
            firstAt = at;
            firstBytes = field === KEYS.tensor.floatVal ? 4 : field === KEYS.tensor.doubleVal ? 8 : 0;
          }
        } else {
          r.skipType(wire);
        }
      }
    }
    if (elements !== 1) {
      return false;
    }
    if (contentStart >= 0 && contentEnd > contentStart) {
      const value = fromContent(buf, contentStart, contentEnd, dtype);
      if (value === undefined) {
        return false;
      }
      this.value = value;
      this.at = contentStart;
      this.bytes = dtype === DataType.DT_FLOAT ? 4 : dtype === DataType.DT_DOUBLE ? 8 : 0;
      return true;
    }
    if (values !== 1 || !(dtype >= 0 && dtype < NUMERIC.length && NUMERIC[dtype] === 1)) {
      return false;
    }
    this.value =
      dtype === DataType.DT_HALF
        ? halfToNumber(first)
        : dtype === DataType.DT_BFLOAT16
          ? bfloat16ToNumber(first)
          : first;
    this.at = firstAt;
    this.bytes = firstBytes;
    return true;
  }
}

/** One element of a typed `*_val` field of TensorProto. */
function typed(r: WireReader, view: DataView, field: number): number {
  switch (field) {
    case KEYS.tensor.floatVal:
      return readFloat(r, view);
    case KEYS.tensor.doubleVal:
      return readDouble(r, view);
    case KEYS.tensor.intVal:
      return r.int32();
    case KEYS.tensor.halfVal:
      return r.int32() & 0xffff;
    case KEYS.tensor.int64Val:
      return toNumber(r.int64());
    case KEYS.tensor.uint64Val:
      return toNumber(r.uint64());
    case KEYS.tensor.uint32Val:
      return r.uint32();
    default:
      return r.bool() ? 1 : 0;
  }
}

/** Product of a TensorShapeProto's dimension sizes up to `end` (−1 for an unknown rank). */
function shapeElements(r: WireReader, end: number): number {
  r.len = end;
  let elements = 1;
  while (r.pos < end) {
    const key = r.uint32();
    if (key === KEYS.shape.dim) {
      const length = r.uint32();
      const dimEnd = r.pos + length;
      r.len = dimEnd;
      let size = 0;
      while (r.pos < dimEnd) {
        const inner = r.uint32();
        if (inner === KEYS.dim.size) {
          size = toNumber(r.int64());
        } else {
          r.skipType(inner & 7);
        }
      }
      elements *= size;
      r.len = end;
    } else if (key === KEYS.shape.unknownRank) {
      if (r.bool()) {
        elements = -1;
      }
    } else {
      r.skipType(key & 7);
    }
  }
  return elements;
}

/** `NUMERIC[dtype] === 1` for the numeric dtypes (a table: cheaper than a Set per point). */
const NUMERIC = new Uint8Array(32);
for (const dtype of [
  DataType.DT_FLOAT,
  DataType.DT_DOUBLE,
  DataType.DT_HALF,
  DataType.DT_BFLOAT16,
  DataType.DT_INT8,
  DataType.DT_INT16,
  DataType.DT_INT32,
  DataType.DT_INT64,
  DataType.DT_UINT8,
  DataType.DT_UINT16,
  DataType.DT_UINT32,
  DataType.DT_UINT64,
  DataType.DT_BOOL,
]) {
  NUMERIC[dtype] = 1;
}

function isTypedField(field: number): boolean {
  const t = KEYS.tensor;
  return (
    field === t.floatVal ||
    field === t.doubleVal ||
    field === t.intVal ||
    field === t.int64Val ||
    field === t.halfVal ||
    field === t.boolVal ||
    field === t.uint32Val ||
    field === t.uint64Val
  );
}

/** Decodes a one-element `tensor_content` (little-endian) of `dtype`; undefined if it is not one. */
function fromContent(buf: Buffer, start: number, end: number, dtype: number): number | undefined {
  const bytes = end - start;
  switch (dtype) {
    case DataType.DT_FLOAT:
      return bytes === 4 ? buf.readFloatLE(start) : undefined;
    case DataType.DT_DOUBLE:
      return bytes === 8 ? buf.readDoubleLE(start) : undefined;
    case DataType.DT_HALF:
      return bytes === 2 ? halfToNumber(buf.readUInt16LE(start)) : undefined;
    case DataType.DT_BFLOAT16:
      return bytes === 2 ? bfloat16ToNumber(buf.readUInt16LE(start)) : undefined;
    case DataType.DT_INT8:
      return bytes === 1 ? buf.readInt8(start) : undefined;
    case DataType.DT_UINT8:
      return bytes === 1 ? buf[start] : undefined;
    case DataType.DT_BOOL:
      return bytes === 1 ? (buf[start] ? 1 : 0) : undefined;
    case DataType.DT_INT16:
      return bytes === 2 ? buf.readInt16LE(start) : undefined;
    case DataType.DT_UINT16:
      return bytes === 2 ? buf.readUInt16LE(start) : undefined;
    case DataType.DT_INT32:
      return bytes === 4 ? buf.readInt32LE(start) : undefined;
    case DataType.DT_UINT32:
      return bytes === 4 ? buf.readUInt32LE(start) : undefined;
    case DataType.DT_INT64:
      return bytes === 8 ? Number(buf.readBigInt64LE(start)) : undefined;
    case DataType.DT_UINT64:
      return bytes === 8 ? Number(buf.readBigUInt64LE(start)) : undefined;
    default:
      return undefined;
  }
}
