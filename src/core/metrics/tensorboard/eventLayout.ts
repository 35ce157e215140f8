/**
 * The layout fast path of the TensorBoard event decoder (`eventDecoder.ts`, option `layouts`).
 *
 * Writers log each scalar as its own event, and consecutive events of a tag differ only in wall
 * time, step and value. After a full decode of such an event the decoder keeps its bytes and the
 * offsets of those three fields ({@link EventLayout}); the next event (the tag predicted from the
 * tag cycle) whose length and all other bytes are equal has the same protobuf structure, so its
 * fields are read at the same offsets (doubles and floats as IEEE 754, the step through
 * protobufjs's varint reader). Anything else takes the full decode. On the real fixtures (PyTorch,
 * Lightning, Keras, TF2) 98 % of the points take the fast path, and the tests check both paths give
 * identical results.
 *
 * This file learns layouts; the per-record check stays in the decoder's `fromLayout`, next to the
 * reads it guards: as a separate function it cost 10–25 % more reader CPU time when measured.
 */

/**
 * The byte layout of a decoded single-value scalar event: its bytes, and where its data fields
 * sit (offsets relative to the payload start). Another event with the same length whose bytes
 * equal these outside the data fields has the same protobuf structure (protobuf parsing depends
 * only on keys, lengths and varint boundaries, all inside the compared bytes), so its data can be
 * read at the same offsets.
 */
export interface EventLayout {
  readonly length: number;
  /**
   * What must be equal, everything but the data fields: `(offset, int32 LE)` pairs of 4-byte
   * words and `(offset, byte)` pairs for bytes between fields closer than 4 bytes.
   */
  readonly words: Int32Array;
  readonly bytes: Int32Array;
  /** Offset of `wall_time` (8-byte double). */
  readonly wallTime: number;
  /** Offset and byte length of the `step` varint (1–4 bytes, so read exactly as uint32). */
  readonly step: number;
  readonly stepLength: number;
  /** Offset and width (4: float, 8: double) of the value. */
  readonly value: number;
  readonly valueBytes: number;
  /** True when the value sits in a tensor, which is a scalar only under the `scalars` plugin. */
  readonly tensor: boolean;
}

/**
 * The layout of the event in `buf[start, end)`, which had one value, read from a float or double
 * field of `valueBytes` bytes at `valueAt` (absolute offsets into `buf`, like `wallAt` and `stepAt`).
 * @returns the layout, or `undefined` when the data fields overlap (not a layout to trust).
 */
export function learnLayout(
  buf: Buffer,
  start: number,
  end: number,
  wallAt: number,
  stepAt: number,
  stepLength: number,
  valueAt: number,
  valueBytes: number,
  tensor: boolean,
): EventLayout | undefined {
  const slots = [
    [wallAt - start, 8],
    [stepAt - start, stepLength],
    [valueAt - start, valueBytes],
  ].sort((a, b) => a[0] - b[0]);
  const ranges: number[] = [];
  let from = 0;
  for (const [at, width] of slots) {
    if (at < from) {
      return undefined; // overlapping slots: not a layout we can trust
    }
    if (at > from) {
      ranges.push(from, at);
    }
    from = at + width;
  }
  if (end - start > from) {
    ranges.push(from, end - start);
  }
  // Compare 4 bytes at a time; a range's last word may overlap its previous one, never the slots.
  const words: number[] = [];
  const bytes: number[] = [];
  for (let k = 0; k < ranges.length; k += 2) {
    const [from, to] = [ranges[k], ranges[k + 1]];
    if (to - from < 4) {
      for (let i = from; i < to; i++) {
        bytes.push(i, buf[start + i]);
      }
      continue;
    }
    for (let i = from; ; i += 4) {
      const at = Math.min(i, to - 4);
      words.push(at, buf.readInt32LE(start + at));
      if (at === to - 4) {
        break;
      }
    }
  }
  return {
    length: end - start,
    words: Int32Array.from(words),
    bytes: Int32Array.from(bytes),
    wallTime: wallAt - start,
    step: stepAt - start,
    stepLength,
    value: valueAt - start,
    valueBytes,
    tensor,
  };
}
