/**
 * Decodes TensorBoard `Event` payloads into scalar points, the hot path of the reader.
 *
 * It walks the wire format with one reused protobufjs `Reader` and touches only the fields in
 * {@link KEYS} (derived from the schema in `schema.ts`); everything else is skipped by wire type.
 * Tags are interned by their UTF-8 bytes, so a repeated tag costs a hash and a compare instead of
 * a string decode and a map look-up. Points go into per-tag typed-array columns (no object per
 * point).
 *
 * Layout fast path: writers log each scalar as its own event, and consecutive events of a tag
 * differ only in wall time, step and value. After a full decode of such an event the decoder
 * keeps its bytes and the offsets of those three fields ({@link EventLayout}); the next event
 * (the tag predicted from the tag cycle) whose length and all other bytes are equal has the same
 * protobuf structure, so its fields are read at the same offsets (doubles and floats as IEEE
 * 754, the step through protobufjs's varint reader). Anything else takes the full decode. On the
 * real fixtures (PyTorch, Lightning, Keras, TF2) 98 % of the points take the fast path, and the
 * tests check both paths give identical results.
 *
 * Which values are scalars (TensorBoard's own rules, `tensorboard/data_compat.py`):
 * - `simple_value` (TF1 / PyTorch `add_scalar`): always a scalar;
 * - `tensor` whose plugin is `scalars` (TF2 `tf.summary.scalar`, Keras callback): a scalar when it
 *   holds exactly one number (any shape with one element) of a numeric dtype, read from the typed
 *   `*_val` field or from `tensor_content` (little-endian);
 * - a value's plugin comes from its `metadata.plugin_data.plugin_name`, or, because writers send
 *   metadata only with the first value of a tag, from the plugin remembered for that tag;
 * - everything else is counted per plugin and skipped: legacy `histo`/`image`/`audio` count as
 *   `histograms`/`images`/`audio`, other tensors and metadata-only values (hparams) under their
 *   plugin name, a tensor without any plugin under `(none)`.
 * Points with a non-finite value or a negative step cannot enter the series model; they are
 * counted per tag ({@link TagSeries.dropped}) and reported by the reader.
 */
import protobuf from 'protobufjs';
import type { ReadWarning } from '../series';
import { DataType, KEYS, WIRE_LEN } from './schema';

const K_WALL = KEYS.event.wallTime;
const K_STEP = KEYS.event.step;
const K_SUMMARY = KEYS.event.summary;
const K_VALUE = KEYS.summary.value;
const K_TAG = KEYS.value.tag;
const K_META = KEYS.value.metadata;
const K_SIMPLE = KEYS.value.simpleValue;
const K_TENSOR = KEYS.value.tensor;
const K_HISTO = KEYS.value.histo;
const K_OLD_HISTO = KEYS.value.oldHistogram;
const K_IMAGE = KEYS.value.image;
const K_AUDIO = KEYS.value.audio;
const K_PLUGIN_DATA = KEYS.metadata.pluginData;
const K_PLUGIN_NAME = KEYS.pluginData.pluginName;
const K_DTYPE = KEYS.tensor.dtype;
const K_SHAPE = KEYS.tensor.shape;
const K_CONTENT = KEYS.tensor.content;
const K_DIM = KEYS.shape.dim;
const K_UNKNOWN_RANK = KEYS.shape.unknownRank;
const K_DIM_SIZE = KEYS.dim.size;
const T = KEYS.tensor;
// Copied into module constants: the hot path should not go through import bindings.
const LEN = WIRE_LEN;
const DT_FLOAT = DataType.DT_FLOAT;
const DT_DOUBLE = DataType.DT_DOUBLE;
const DT_HALF = DataType.DT_HALF;
const DT_BFLOAT16 = DataType.DT_BFLOAT16;
const DT_INT8 = DataType.DT_INT8;
const DT_INT16 = DataType.DT_INT16;
const DT_INT32 = DataType.DT_INT32;
const DT_INT64 = DataType.DT_INT64;
const DT_UINT8 = DataType.DT_UINT8;
const DT_UINT16 = DataType.DT_UINT16;
const DT_UINT32 = DataType.DT_UINT32;
const DT_UINT64 = DataType.DT_UINT64;
const DT_BOOL = DataType.DT_BOOL;
const F_FLOAT = T.floatVal;
const F_DOUBLE = T.doubleVal;
const F_INT = T.intVal;
const F_INT64 = T.int64Val;
const F_HALF = T.halfVal;
const F_BOOL = T.boolVal;
const F_UINT32 = T.uint32Val;
const F_UINT64 = T.uint64Val;

/** The plugin TensorBoard's scalar dashboard reads. */
export const SCALARS_PLUGIN = 'scalars';
/** Skip-count key for a tensor that names no plugin. */
export const NO_PLUGIN = '(none)';

const KIND_NONE = 0;
const KIND_SIMPLE = 1;
const KIND_TENSOR = 2;
const KIND_HISTOGRAM = 3;
const KIND_IMAGE = 4;
const KIND_AUDIO = 5;

/** One tag's state within a run. */
export interface TagSeries {
  readonly name: string;
  /** Plugin named by the tag's metadata ('' until one is seen). */
  plugin: string;
  /** `plugin === 'scalars'`, kept as a flag for the per-point path. */
  scalars: boolean;
  /** Layout of the tag's last single-value event, for the fast path (null until one is seen). */
  layout: EventLayout | null;
  /** Full decodes of same-length events that did not match {@link layout}. */
  layoutMisses: number;
  /**
   * Points decoded since the reader last collected them, columnar: entries `[0, count)` of
   * `steps`, `values` and `times` (wall time, Unix ms). The arrays grow by doubling; the reader
   * hands them out on collection and gives the tag fresh ones.
   */
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
  count: number;
  /** Points dropped since the last collection (non-finite value or negative step). */
  dropped: number;
  /** Step of the first dropped point since the last collection. */
  firstDroppedStep: number;
}

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

type WireReader = protobuf.Reader & { view?: DataView | null };

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
 * Reads an int64 varint as a number. Steps are almost always below 2^28 (at most 4 varint bytes):
 * those are read with protobufjs's `uint32`, which allocates nothing; longer ones (large or
 * negative values) are read again with its `int64`. protobufjs decodes the varint either way.
 */
function readInt64(r: protobuf.Reader): number {
  const start = r.pos;
  const low = r.uint32();
  if (r.pos - start <= 4) {
    return low;
  }
  r.pos = start;
  return toNumber(r.int64());
}

/** A protobufjs 64-bit integer as a number (exact below 2^53). */
function toNumber(value: number | protobuf.Long): number {
  if (typeof value === 'number') {
    return value;
  }
  return (value.unsigned ? value.high >>> 0 : value.high) * 0x1_0000_0000 + (value.low >>> 0);
}

/**
 * Decodes the events of one run. Keeps the run's tag table and plugin memory, so feed it every
 * record of the run's files in order.
 */
export class EventDecoder {
  /** Tags in first-seen order. */
  readonly series: TagSeries[] = [];
  /** Tags that received points or drops since {@link takeTouched}. */
  private touched: TagSeries[] = [];
  /** Open-addressing tag table: slot → index into `series` (−1 empty), and the slot's hash. */
  private slotIndex = new Int32Array(64).fill(-1);
  private slotHash = new Int32Array(64);
  /** UTF-8 bytes of each tag, parallel to `series`. */
  private readonly tagBytes: Uint8Array[] = [];
  /**
   * Successor prediction: `next[i]` is the index of the tag that followed tag i last time, and
   * `previous` the last tag decoded. Writers log tags in a fixed cycle, so one byte compare
   * usually finds the tag without hashing.
   */
  private readonly next: number[] = [];
  private previous = -1;
  /** Skipped values per plugin since the last {@link takeSkipped}. */
  private skipped = new Map<string, number>();
  private readonly reader: WireReader = protobuf.Reader.create(Buffer.alloc(0));
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Wall time of the event being decoded, Unix ms. */
  private time = 0.5;
  private readonly decoder = new TextDecoder('utf-8');
  /** Smallest and largest wall time seen (Unix ms). */
  firstTime = Infinity;
  lastTime = -Infinity;
  warnings: ReadWarning[] = [];

  /**
   * @param options.layouts use the layout fast path ({@link EventLayout}; default true). Off, every
   * event goes through the full decode: the reference the fast path is tested against.
   */
  constructor(options: { layouts?: boolean } = {}) {
    this.layouts = options.layouts ?? true;
  }

  private readonly layouts: boolean;

  /**
   * Decodes one `Event` from `buf[start, end)`; a malformed payload becomes a warning naming the
   * file and the record's byte offset.
   */
  record(buf: Buffer, start: number, end: number, offset: number, path: string): void {
    if (this.reader.buf !== buf) {
      this.reader.buf = buf;
      this.reader.view = null;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const previous = this.previous;
    if (previous >= 0 && this.layouts) {
      const guess = this.next[previous];
      if (guess >= 0 && this.fromLayout(this.series[guess], buf, start, end)) {
        this.previous = guess;
        return;
      }
    }
    try {
      this.event(buf, start, end);
    } catch (error) {
      this.warnings.push({
        file: path,
        offset,
        message: `malformed event protobuf (${(error as Error).message}); the rest of the record is skipped`,
      });
    }
  }

  /** Returns and forgets the tags that got points or drops since the last call. */
  takeTouched(): TagSeries[] {
    const touched = this.touched;
    this.touched = [];
    return touched;
  }

  /** Returns and resets the per-plugin skip counts. */
  takeSkipped(): Map<string, number> {
    const skipped = this.skipped;
    this.skipped = new Map();
    return skipped;
  }

  /**
   * The layout fast path: when the record has the length of the last event decoded for `series`
   * and the same bytes everywhere but in that event's data fields (wall time, step, value), it
   * has the same protobuf structure, so its data is read at the same offsets: the two floats as
   * IEEE 754 little-endian, the step with protobufjs's varint reader. Returns false (nothing
   * done) when the record differs.
   */
  private fromLayout(series: TagSeries, buf: Buffer, start: number, end: number): boolean {
    const layout = series.layout;
    if (layout === null || layout.length !== end - start) {
      return false;
    }
    const view = this.view;
    const words = layout.words;
    for (let k = 0; k < words.length; k += 2) {
      if (view.getInt32(start + words[k], true) !== words[k + 1]) {
        return false;
      }
    }
    const bytes = layout.bytes;
    for (let k = 0; k < bytes.length; k += 2) {
      if (buf[start + bytes[k]] !== bytes[k + 1]) {
        return false;
      }
    }
    if (layout.tensor && !series.scalars) {
      return false;
    }
    const r = this.reader;
    const stepAt = start + layout.step;
    r.pos = stepAt;
    r.len = end;
    const step = r.uint32();
    if (r.pos - stepAt !== layout.stepLength) {
      return false;
    }
    const time = (this.time = view.getFloat64(start + layout.wallTime, true) * 1000);
    if (time < this.firstTime) {
      this.firstTime = time;
    }
    if (time > this.lastTime) {
      this.lastTime = time;
    }
    const valueAt = start + layout.value;
    const value = layout.valueBytes === 4 ? view.getFloat32(valueAt, true) : view.getFloat64(valueAt, true);
    // {@link point}, written out: the common case (a finite value) stays in this function, so the
    // double `value` is never passed to a call (which could box it).
    const count = series.count;
    if (value - value !== 0 || count === series.steps.length || (count === 0 && series.dropped === 0)) {
      this.point(series, step, value);
      return true;
    }
    series.steps[count] = step;
    series.values[count] = value;
    series.times[count] = time;
    series.count = count + 1;
    return true;
  }

  /**
   * Remembers the layout of the event in `buf[start, end)` for `series`, when the event had one
   * value, read from a float or double field at `valueAt` (see {@link fromLayout}).
   */
  private learnLayout(
    series: TagSeries,
    buf: Buffer,
    start: number,
    end: number,
    wallAt: number,
    stepAt: number,
    stepLength: number,
  ): void {
    const valueAt = this.valueAt;
    const valueBytes = this.valueBytes;
    const slots = [
      [wallAt - start, 8],
      [stepAt - start, stepLength],
      [valueAt - start, valueBytes],
    ].sort((a, b) => a[0] - b[0]);
    const ranges: number[] = [];
    let from = 0;
    for (const [at, width] of slots) {
      if (at < from) {
        return; // overlapping slots: not a layout we can trust
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
    series.layout = {
      length: end - start,
      words: Int32Array.from(words),
      bytes: Int32Array.from(bytes),
      wallTime: wallAt - start,
      step: stepAt - start,
      stepLength,
      value: valueAt - start,
      valueBytes,
      tensor: this.valueFromTensor,
    };
  }

  private event(buf: Buffer, start: number, end: number): void {
    const r = this.reader;
    r.pos = start;
    r.len = end;
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    let wallAt = -1;
    let stepAt = -1;
    let stepLength = 0;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === K_WALL) {
        wallAt = r.pos;
        wallTime = this.double();
      } else if (key === K_STEP) {
        stepAt = r.pos;
        step = readInt64(r);
        stepLength = r.pos - stepAt;
      } else if (key === K_SUMMARY) {
        const length = r.uint32();
        summaryStart = r.pos;
        r.skip(length);
        summaryEnd = r.pos;
      } else {
        r.skipType(key & 7);
      }
    }
    if (summaryStart < 0) {
      return; // file_version, graph_def, session_log...
    }
    // Kept in a field rather than passed down: a double argument to a call that is not inlined
    // is boxed, one more allocation per point.
    const time = (this.time = wallTime * 1000);
    if (time < this.firstTime) {
      this.firstTime = time;
    }
    if (time > this.lastTime) {
      this.lastTime = time;
    }
    r.pos = summaryStart;
    r.len = summaryEnd;
    let values = 0;
    this.valueBytes = 0;
    while (r.pos < summaryEnd) {
      const key = r.uint32();
      if (key === K_VALUE) {
        const length = r.uint32();
        const valueEnd = r.pos + length;
        if (valueEnd > summaryEnd) {
          throw new RangeError(`Summary.Value runs ${valueEnd - summaryEnd} bytes past the summary`);
        }
        this.value(buf, valueEnd, step);
        values++;
        r.pos = valueEnd;
        r.len = summaryEnd;
      } else {
        r.skipType(key & 7);
      }
    }
    if (values === 1 && this.valueBytes > 0 && wallAt >= 0 && stepLength >= 1 && stepLength <= 4) {
      const series = this.series[this.previous];
      // A new length (e.g. the step outgrew its varint) is learnt at once. A same-length event
      // that did not match (a field that changes per event, or a mispredicted tag) is relearnt
      // with exponential backoff, so a writer whose events never repeat costs no more than
      // the full decode.
      const misses = series.layout?.length === end - start ? ++series.layoutMisses : 0;
      if ((misses & (misses - 1)) === 0) {
        this.learnLayout(series, buf, start, end, wallAt, stepAt, stepLength);
      }
    }
  }

  /** Where the last {@link value} read its number: offset, width (0: not a float or double). */
  private valueAt = 0;
  private valueBytes = 0;
  /** Whether that number came from a tensor (so it counts only while the tag's plugin is scalars). */
  private valueFromTensor = false;

  private value(buf: Buffer, valueEnd: number, step: number): void {
    const r = this.reader;
    r.len = valueEnd;
    let tagStart = 0;
    let tagEnd = 0;
    let kind = KIND_NONE;
    let number = NaN;
    let tensorStart = 0;
    let tensorEnd = 0;
    let plugin = '';
    let simpleAt = 0;
    while (r.pos < valueEnd) {
      const key = r.uint32();
      if (key === K_TAG) {
        const length = r.uint32();
        tagStart = r.pos;
        r.skip(length);
        tagEnd = r.pos;
      } else if (key === K_SIMPLE) {
        kind = KIND_SIMPLE;
        simpleAt = r.pos;
        number = this.float();
      } else if (key === K_TENSOR) {
        const length = r.uint32();
        tensorStart = r.pos;
        r.skip(length);
        tensorEnd = r.pos;
        kind = KIND_TENSOR;
      } else if (key === K_META) {
        const length = r.uint32();
        const metaEnd = r.pos + length;
        plugin = this.pluginName(metaEnd);
        r.pos = metaEnd;
        r.len = valueEnd;
      } else if (key === K_HISTO || key === K_OLD_HISTO) {
        kind = KIND_HISTOGRAM;
        r.skipType(LEN);
      } else if (key === K_IMAGE) {
        kind = KIND_IMAGE;
        r.skipType(LEN);
      } else if (key === K_AUDIO) {
        kind = KIND_AUDIO;
        r.skipType(LEN);
      } else {
        r.skipType(key & 7);
      }
    }
    const series = this.lookup(buf, tagStart, tagEnd);
    if (plugin !== '') {
      series.plugin = plugin;
      series.scalars = plugin === SCALARS_PLUGIN;
    }
    switch (kind) {
      case KIND_SIMPLE:
        this.point(series, step, number);
        this.valueAt = simpleAt;
        this.valueBytes = 4;
        this.valueFromTensor = false;
        return;
      case KIND_TENSOR:
        if (series.scalars) {
          if (this.tensorScalar(buf, tensorStart, tensorEnd)) {
            this.point(series, step, this.scalar);
            this.valueAt = this.scalarAt;
            this.valueBytes = this.scalarBytes;
            this.valueFromTensor = true;
            return;
          }
        }
        this.skip(series.plugin === '' ? NO_PLUGIN : series.plugin);
        return;
      case KIND_HISTOGRAM:
        this.skip('histograms');
        return;
      case KIND_IMAGE:
        this.skip('images');
        return;
      case KIND_AUDIO:
        this.skip('audio');
        return;
      default:
        if (series.plugin !== '') {
          this.skip(series.plugin); // metadata only, e.g. the hparams plugin's session records
        }
    }
  }

  private point(series: TagSeries, step: number, value: number): void {
    const count = series.count;
    if (count === 0 && series.dropped === 0) {
      this.touched.push(series);
    }
    if (step < 0 || value - value !== 0) {
      if (series.dropped === 0) {
        series.firstDroppedStep = step;
      }
      series.dropped++;
      return;
    }
    if (count === series.steps.length) {
      growColumns(series);
    }
    series.steps[count] = step;
    series.values[count] = value;
    series.times[count] = this.time;
    series.count = count + 1;
  }

  private skip(plugin: string): void {
    this.skipped.set(plugin, (this.skipped.get(plugin) ?? 0) + 1);
  }

  /** Reads SummaryMetadata up to `end`, returning plugin_data.plugin_name ('' if absent). */
  private pluginName(end: number): string {
    const r = this.reader;
    r.len = end;
    let name = '';
    while (r.pos < end) {
      const key = r.uint32();
      if (key === K_PLUGIN_DATA) {
        const length = r.uint32();
        const dataEnd = r.pos + length;
        r.len = dataEnd;
        while (r.pos < dataEnd) {
          const inner = r.uint32();
          if (inner === K_PLUGIN_NAME) {
            name = r.string();
          } else {
            r.skipType(inner & 7);
          }
        }
        r.len = end;
      } else {
        r.skipType(key & 7);
      }
    }
    return name;
  }

  /**
   * Interns a tag by its UTF-8 bytes: FNV-1a hash into an open-addressing table of indices into
   * {@link series}, then a byte compare. No string is made for a tag already seen.
   */
  private lookup(buf: Buffer, start: number, end: number): TagSeries {
    const previous = this.previous;
    if (previous >= 0) {
      const guess = this.next[previous];
      if (guess >= 0 && sameBytes(this.tagBytes[guess], buf, start, end)) {
        this.previous = guess;
        return this.series[guess];
      }
    }
    const index = this.find(buf, start, end);
    if (previous >= 0) {
      this.next[previous] = index;
    }
    this.previous = index;
    return this.series[index];
  }

  /** Index of the tag `buf[start, end)` in `series`, adding it when new. */
  private find(buf: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) {
      hash = Math.imul(hash ^ buf[i], 0x01000193);
    }
    const slots = this.slotIndex;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (let index = slots[slot]; index >= 0; index = slots[slot]!) {
      if (this.slotHash[slot] === hash && sameBytes(this.tagBytes[index], buf, start, end)) {
        return index;
      }
      slot = (slot + 1) & mask;
    }
    const bytes = Uint8Array.prototype.slice.call(buf, start, end);
    const index = this.series.length;
    slots[slot] = index;
    this.slotHash[slot] = hash;
    this.series.push({
      name: this.decoder.decode(bytes),
      plugin: '',
      scalars: false,
      layout: null,
      layoutMisses: 0,
      ...emptyColumns(INITIAL_COLUMN_LENGTH),
      dropped: 0,
      firstDroppedStep: 0,
    });
    this.tagBytes.push(bytes);
    this.next.push(-1);
    if (this.series.length * 2 > slots.length) {
      this.rehash(slots.length * 2);
    }
    return index;
  }

  private rehash(size: number): void {
    const hashes = this.slotHash;
    const old = this.slotIndex;
    this.slotIndex = new Int32Array(size).fill(-1);
    this.slotHash = new Int32Array(size);
    const mask = size - 1;
    for (let s = 0; s < old.length; s++) {
      const index = old[s];
      if (index >= 0) {
        let slot = hashes[s] & mask;
        while (this.slotIndex[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        this.slotIndex[slot] = index;
        this.slotHash[slot] = hashes[s]!;
      }
    }
  }

  /** The number read by {@link tensorScalar} (a field, not a return value: see `time`). */
  private scalar = 0.5;
  /** Where {@link tensorScalar} read it, and its width if a float or double field (else 0). */
  private scalarAt = 0;
  private scalarBytes = 0;

  /**
   * Reads a TensorProto in `buf[start, end)`. Returns true, with the number in `scalar`, when it
   * is a one-element numeric tensor.
   */
  private tensorScalar(buf: Buffer, start: number, end: number): boolean {
    const r = this.reader;
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
      if (key === K_DTYPE) {
        dtype = r.int32();
      } else if (key === K_SHAPE) {
        const length = r.uint32();
        elements = this.shapeElements(r.pos + length);
        r.len = end;
      } else if (key === K_CONTENT) {
        const length = r.uint32();
        contentStart = r.pos;
        r.skip(length);
        contentEnd = r.pos;
      } else {
        const field = key >>> 3;
        const wire = key & 7;
        if (wire === LEN && isTypedField(field)) {
          const length = r.uint32();
          const packedEnd = r.pos + length;
          r.len = packedEnd;
          while (r.pos < packedEnd) {
            const at = r.pos;
            const v = this.typed(field);
            if (values++ === 0) {
              first = v;
              firstAt = at;
              firstBytes = field === F_FLOAT ? 4 : field === F_DOUBLE ? 8 : 0;
            }
          }
          r.len = end;
        } else if (isTypedField(field)) {
          const at = r.pos;
          const v = this.typed(field);
          if (values++ === 0) {
            first = v;
            firstAt = at;
            firstBytes = field === F_FLOAT ? 4 : field === F_DOUBLE ? 8 : 0;
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
      this.scalar = value;
      this.scalarAt = contentStart;
      this.scalarBytes = dtype === DT_FLOAT ? 4 : dtype === DT_DOUBLE ? 8 : 0;
      return true;
    }
    if (values !== 1 || !(dtype >= 0 && dtype < NUMERIC.length && NUMERIC[dtype] === 1)) {
      return false;
    }
    this.scalar =
      dtype === DT_HALF ? halfToNumber(first) : dtype === DT_BFLOAT16 ? bfloat16ToNumber(first) : first;
    this.scalarAt = firstAt;
    this.scalarBytes = firstBytes;
    return true;
  }

  /**
   * Fixed-width floats are read through a DataView on the chunk: V8 compiles it to a plain load,
   * where protobufjs's byte-copying `float()`/`double()` costs a call and a boxed number per value.
   * Bounds are checked as protobufjs does. Varints, lengths and skips stay with protobufjs.
   */
  private double(): number {
    const r = this.reader;
    const pos = r.pos;
    if (pos + 8 > r.len) {
      throw new RangeError(`index out of range: ${pos} + 8 > ${r.len}`);
    }
    r.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  private float(): number {
    const r = this.reader;
    const pos = r.pos;
    if (pos + 4 > r.len) {
      throw new RangeError(`index out of range: ${pos} + 4 > ${r.len}`);
    }
    r.pos = pos + 4;
    return this.view.getFloat32(pos, true);
  }

  /** One element of a typed `*_val` field of TensorProto. */
  private typed(field: number): number {
    const r = this.reader;
    switch (field) {
      case F_FLOAT:
        return this.float();
      case F_DOUBLE:
        return this.double();
      case F_INT:
        return r.int32();
      case F_HALF:
        return r.int32() & 0xffff;
      case F_INT64:
        return toNumber(r.int64());
      case F_UINT64:
        return toNumber(r.uint64());
      case F_UINT32:
        return r.uint32();
      default:
        return r.bool() ? 1 : 0;
    }
  }

  /** Product of a TensorShapeProto's dimension sizes (−1 for an unknown rank). */
  private shapeElements(end: number): number {
    const r = this.reader;
    r.len = end;
    let elements = 1;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === K_DIM) {
        const length = r.uint32();
        const dimEnd = r.pos + length;
        r.len = dimEnd;
        let size = 0;
        while (r.pos < dimEnd) {
          const inner = r.uint32();
          if (inner === K_DIM_SIZE) {
            size = toNumber(r.int64());
          } else {
            r.skipType(inner & 7);
          }
        }
        elements *= size;
        r.len = end;
      } else if (key === K_UNKNOWN_RANK) {
        if (r.bool()) {
          elements = -1;
        }
      } else {
        r.skipType(key & 7);
      }
    }
    return elements;
  }
}

/** Capacity of a new tag's columns. */
const INITIAL_COLUMN_LENGTH = 256;

/** Fresh, empty columns of capacity `length`. */
export function emptyColumns(length: number): Pick<TagSeries, 'steps' | 'values' | 'times' | 'count'> {
  return {
    steps: new Float64Array(length),
    values: new Float64Array(length),
    times: new Float64Array(length),
    count: 0,
  };
}

function growColumns(series: TagSeries): void {
  const length = series.steps.length * 2;
  const steps = new Float64Array(length);
  const values = new Float64Array(length);
  const times = new Float64Array(length);
  steps.set(series.steps);
  values.set(series.values);
  times.set(series.times);
  series.steps = steps;
  series.values = values;
  series.times = times;
}

/** `NUMERIC[dtype] === 1` for the numeric dtypes (a table: cheaper than a Set per point). */
const NUMERIC = new Uint8Array(32);
for (const dtype of [
  DT_FLOAT,
  DT_DOUBLE,
  DT_HALF,
  DT_BFLOAT16,
  DT_INT8,
  DT_INT16,
  DT_INT32,
  DT_INT64,
  DT_UINT8,
  DT_UINT16,
  DT_UINT32,
  DT_UINT64,
  DT_BOOL,
]) {
  NUMERIC[dtype] = 1;
}

function isTypedField(field: number): boolean {
  return (
    field === F_FLOAT ||
    field === F_DOUBLE ||
    field === F_INT ||
    field === F_INT64 ||
    field === F_HALF ||
    field === F_BOOL ||
    field === F_UINT32 ||
    field === F_UINT64
  );
}

/** Decodes a one-element `tensor_content` (little-endian) of `dtype`; undefined if it is not one. */
function fromContent(buf: Buffer, start: number, end: number, dtype: number): number | undefined {
  const bytes = end - start;
  switch (dtype) {
    case DT_FLOAT:
      return bytes === 4 ? buf.readFloatLE(start) : undefined;
    case DT_DOUBLE:
      return bytes === 8 ? buf.readDoubleLE(start) : undefined;
    case DT_HALF:
      return bytes === 2 ? halfToNumber(buf.readUInt16LE(start)) : undefined;
    case DT_BFLOAT16:
      return bytes === 2 ? bfloat16ToNumber(buf.readUInt16LE(start)) : undefined;
    case DT_INT8:
      return bytes === 1 ? buf.readInt8(start) : undefined;
    case DT_UINT8:
      return bytes === 1 ? buf[start] : undefined;
    case DT_BOOL:
      return bytes === 1 ? (buf[start] ? 1 : 0) : undefined;
    case DT_INT16:
      return bytes === 2 ? buf.readInt16LE(start) : undefined;
    case DT_UINT16:
      return bytes === 2 ? buf.readUInt16LE(start) : undefined;
    case DT_INT32:
      return bytes === 4 ? buf.readInt32LE(start) : undefined;
    case DT_UINT32:
      return bytes === 4 ? buf.readUInt32LE(start) : undefined;
    case DT_INT64:
      return bytes === 8 ? Number(buf.readBigInt64LE(start)) : undefined;
    case DT_UINT64:
      return bytes === 8 ? Number(buf.readBigUInt64LE(start)) : undefined;
    default:
      return undefined;
  }
}

function sameBytes(bytes: Uint8Array, buf: Buffer, start: number, end: number): boolean {
  if (bytes.length !== end - start) {
    return false;
  }
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== buf[start + i]) {
      return false;
    }
  }
  return true;
}
