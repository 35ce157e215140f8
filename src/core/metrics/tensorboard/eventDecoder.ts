/**
 * Decodes TensorBoard `Event` payloads into scalar points, the hot path of the reader.
 *
 * It walks the wire format with one reused protobufjs `Reader` and touches only the fields in
 * {@link KEYS} (derived from the schema in `schema.ts`); everything else is skipped by wire type.
 * Tags are interned by their UTF-8 bytes (`tagTable.ts`). Points go into per-tag typed-array
 * columns (`tagSeries.ts`, no object per point). Events that repeat the byte layout of their tag's
 * previous event take the layout fast path (`eventLayout.ts`).
 *
 * Which values are scalars (TensorBoard's own rules, `tensorboard/data_compat.py`):
 * - `simple_value` (TF1 / PyTorch `add_scalar`): always a scalar;
 * - `tensor` whose plugin is `scalars` (TF2 `tf.summary.scalar`, Keras callback): a scalar when it
 *   holds exactly one number (any shape with one element) of a numeric dtype, read from the typed
 *   `*_val` field or from `tensor_content` (little-endian) (`tensorScalar.ts`);
 * - a value's plugin comes from its `metadata.plugin_data.plugin_name`, or, because writers send
 *   metadata only with the first value of a tag, from the plugin remembered for that tag;
 * - everything else is counted per plugin and skipped: legacy `histo`/`image`/`audio` count as
 *   `histograms`/`images`/`audio`, other tensors and metadata-only values (hparams) under their
 *   plugin name, a tensor without any plugin under `(none)`.
 * Points with a negative step cannot enter the series model; they are counted per tag
 * ({@link TagSeries.dropped}) and reported by the reader. A non-finite value (a diverged loss) is a
 * point like any other (its consumers count it as non-finite).
 */
import protobuf from 'protobufjs';
import type { ReadWarning } from '../series';
import { learnLayout } from './eventLayout';
import { KEYS, WIRE_LEN } from './schema';
import { TagTable } from './tagTable';
import { growColumns, type TagSeries } from './tagSeries';
import { TensorScalarReader } from './tensorScalar';
import { readDouble, readFloat, readInt64, type WireReader } from './wire';
import { decodeHParamsContent, HPARAMS_PLUGIN } from './hparams';
import type { ParamValue } from '../../runs/types';
import { dict } from '../../../shared/dict';

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

/**
 * Decodes the events of one run. Keeps the run's tag table and plugin memory, so feed it every
 * record of the run's files in order.
 */
export class EventDecoder {
  private readonly tags = new TagTable();
  /** Tags in first-seen order. */
  readonly series: TagSeries[] = this.tags.series;
  /** Tags that received points or drops since {@link takeTouched}. */
  private touched: TagSeries[] = [];
  /** Skipped values per plugin since the last {@link takeSkipped}. */
  private skipped = new Map<string, number>();
  private readonly reader: WireReader = protobuf.Reader.create(Buffer.alloc(0));
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Wall time of the event being decoded, Unix ms. */
  private time = 0.5;
  private readonly tensor = new TensorScalarReader();
  /** Smallest and largest wall time seen (Unix ms). */
  firstTime = Infinity;
  lastTime = -Infinity;
  warnings: ReadWarning[] = [];

  /**
   * @param options.layouts use the layout fast path (`eventLayout.ts`; default true). Off, every
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
    if (this.layouts) {
      const guess = this.tags.predicted();
      if (guess >= 0 && this.fromLayout(this.series[guess], buf, start, end)) {
        this.tags.previous = guess;
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
    const view = this.view;
    if (layout === null || layout.length !== end - start) {
      return false;
    }
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
      if (key === KEYS.event.wallTime) {
        wallAt = r.pos;
        wallTime = readDouble(r, this.view);
      } else if (key === KEYS.event.step) {
        stepAt = r.pos;
        step = readInt64(r);
        stepLength = r.pos - stepAt;
      } else if (key === KEYS.event.summary) {
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
      if (key === KEYS.summary.value) {
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
      const series = this.series[this.tags.previous];
      // A new length (e.g. the step outgrew its varint) is learnt at once. A same-length event
      // that did not match (a field that changes per event, or a mispredicted tag) is relearnt
      // with exponential backoff, so a writer whose events never repeat costs no more than
      // the full decode.
      const misses = series.layout?.length === end - start ? ++series.layoutMisses : 0;
      if ((misses & (misses - 1)) === 0) {
        const layout = learnLayout(
          buf,
          start,
          end,
          wallAt,
          stepAt,
          stepLength,
          this.valueAt,
          this.valueBytes,
          this.valueFromTensor,
        );
        if (layout) {
          series.layout = layout;
        }
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
      if (key === KEYS.value.tag) {
        const length = r.uint32();
        tagStart = r.pos;
        r.skip(length);
        tagEnd = r.pos;
      } else if (key === KEYS.value.simpleValue) {
        kind = KIND_SIMPLE;
        simpleAt = r.pos;
        number = readFloat(r, this.view);
      } else if (key === KEYS.value.tensor) {
        const length = r.uint32();
        tensorStart = r.pos;
        r.skip(length);
        tensorEnd = r.pos;
        kind = KIND_TENSOR;
      } else if (key === KEYS.value.metadata) {
        const length = r.uint32();
        const metaEnd = r.pos + length;
        plugin = this.pluginName(metaEnd);
        r.pos = metaEnd;
        r.len = valueEnd;
      } else if (key === KEYS.value.histo || key === KEYS.value.oldHistogram) {
        kind = KIND_HISTOGRAM;
        r.skipType(WIRE_LEN);
      } else if (key === KEYS.value.image) {
        kind = KIND_IMAGE;
        r.skipType(WIRE_LEN);
      } else if (key === KEYS.value.audio) {
        kind = KIND_AUDIO;
        r.skipType(WIRE_LEN);
      } else {
        r.skipType(key & 7);
      }
    }
    const series = this.tags.lookup(buf, tagStart, tagEnd);
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
          const tensor = this.tensor;
          if (tensor.read(this.reader, this.view, buf, tensorStart, tensorEnd)) {
            this.point(series, step, tensor.value);
            this.valueAt = tensor.at;
            this.valueBytes = tensor.bytes;
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
    if (step < 0) {
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

  /**
   * Reads SummaryMetadata up to `end`, returning plugin_data.plugin_name ('' if absent). The HParams
   * plugin's content (a session start record) is taken into {@link params} on the way.
   */
  private pluginName(end: number): string {
    const r = this.reader;
    r.len = end;
    let name = '';
    let content: Uint8Array | undefined;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === KEYS.metadata.pluginData) {
        const length = r.uint32();
        const dataEnd = r.pos + length;
        r.len = dataEnd;
        while (r.pos < dataEnd) {
          const inner = r.uint32();
          if (inner === KEYS.pluginData.pluginName) {
            name = r.string();
          } else if (inner === KEYS.pluginData.content) {
            content = r.bytes();
          } else {
            r.skipType(inner & 7);
          }
        }
        r.len = end;
      } else {
        r.skipType(key & 7);
      }
    }
    if (name === HPARAMS_PLUGIN && content !== undefined) {
      // Bad bytes throw: `record` warns with the file and offset.
      const start = decodeHParamsContent(content);
      if (start) {
        Object.assign(this.params, start.params);
        this.paramsVersion++;
      }
    }
    return name;
  }

  /** Params of the HParams plugin's session start records, merged in file order (`hparams.ts`). */
  readonly params: Record<string, ParamValue> = dict();
  /** Grows with each session start record taken. */
  paramsVersion = 0;
}
