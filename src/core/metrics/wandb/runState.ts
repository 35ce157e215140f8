/**
 * Folds the records of one W&B run file (`wandb_internal.Record` messages, see `schema.ts`) into the
 * common series model: history rows become points, config becomes params, and the run record, summary,
 * environment and exit records become the run's name, tags, git commit, status and times.
 *
 * Mapping (W&B's own conventions, as its SDK writes them):
 * - A history row holds items keyed by `key` or by `nested_key` (a logged nested dict); nested keys are
 *   joined with `/` (`{"train": {"acc": 1}}` → `train/acc`). `_step` is the point's step (else the
 *   row's `step.num`), `_timestamp` (Unix seconds) its time; `_runtime` (seconds since start) is kept
 *   as a series like every other numeric item. Values are JSON text; W&B spells non-finite floats
 *   `NaN`, `Infinity`, `-Infinity`: those become points with that non-finite value. Strings, booleans,
 *   lists and media objects are not metrics and are left out.
 * - Config (`run.config` and later config records) → params, nested maps flattened with `.` as every
 *   reader's params are; W&B's internal `_wandb` entry is left out.
 * - Summary updates and removals → tags `summary.<key>` (the value's JSON text, a string unquoted).
 * - Status: `succeeded` after an exit record with code 0, `failed` with another code, `running` while
 *   there is none (a run being written, or one killed before it could finish).
 */
import protobuf from 'protobufjs';
import type { ParamValue } from '../../runs/types';
import { pushPoint } from '../readers';
import type { MetricPoint, SeriesRun } from '../series';
import { flattenParams } from '../values';
import { dict } from '../../../shared/dict';
import { type DecodedRecord, KEYS, RecordType, type WandbItem } from './schema';
import { NameCache, parseJsonValue, summaryText, wandbNumber } from './wandbValues';

// The wire keys as module constants: read once, not through the schema module's export on every item.
const RECORD_HISTORY = KEYS.record.history;
const RECORD_SUMMARY = KEYS.record.summary;
const HISTORY_ITEM = KEYS.history.item;
const HISTORY_STEP = KEYS.history.step;
const SUMMARY_UPDATE = KEYS.summary.update;
const SUMMARY_REMOVE = KEYS.summary.remove;
const ITEM_KEY = KEYS.item.key;
const ITEM_NESTED_KEY = KEYS.item.nestedKey;
const ITEM_VALUE_JSON = KEYS.item.valueJson;

/** Record fields (wire keys) handled by full decoding; any other record type is skipped. */
const DECODED_FIELDS = new Set([5, 17, 18, 26].map((id) => ((id << 3) | 2) >>> 0));

function itemKey(item: WandbItem): string {
  return item.nested_key && item.nested_key.length > 0 ? item.nested_key.join('/') : (item.key ?? '');
}

function toNumber(value: number | protobuf.Long | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  return typeof value === 'number' ? value : value.high * 0x1_0000_0000 + (value.low >>> 0);
}

/** One W&B run as read so far; {@link apply} each record in file order, {@link take} the delta. */
export class WandbRunState {
  private id: string;
  private name = '';
  private project: string | undefined;
  private startTime: number | undefined;
  private lastTime: number | undefined;
  private exitCode: number | undefined;
  private runtimeSec: number | undefined;
  private gitCommit: string | undefined;
  private readonly config = new Map<string, unknown>();
  private readonly summary = new Map<string, string>();
  private readonly info = new Map<string, string>();
  private lastStep = -1;
  private newPoints = new Map<string, MetricPoint[]>();
  private changed = true;
  private readonly reader = protobuf.Reader.create(new Uint8Array(0));
  private readonly names = new NameCache();
  private itemName = '';
  private itemText = '';

  /** @param fallbackId the run id known from the folder or file name, kept over the run record's. */
  constructor(readonly fallbackId?: string) {
    this.id = fallbackId ?? '';
  }

  /** Points added since the last {@link take}. */
  get pendingPoints(): number {
    let n = 0;
    for (const points of this.newPoints.values()) {
      n += points.length;
    }
    return n;
  }

  /**
   * Applies one record's bytes.
   * @throws Error (from protobufjs) when the bytes are not a valid Record; the state is unchanged then
   *   except for history items already read from the same record (none when the history walk throws
   *   before its end: points are added only after the whole row is read).
   */
  apply(bytes: Uint8Array): void {
    const r = this.reader;
    r.buf = bytes;
    r.pos = 0;
    r.len = bytes.length;
    while (r.pos < r.len) {
      const key = r.uint32();
      if (key === RECORD_HISTORY) {
        const end = r.uint32() + r.pos;
        this.history(r, end);
        return;
      }
      if (key === RECORD_SUMMARY) {
        // One per logged step: walked in place like history (no message objects).
        const end = r.uint32() + r.pos;
        this.summaryRecord(r, end);
        return;
      }
      if (DECODED_FIELDS.has(key)) {
        this.decoded(RecordType.decode(bytes) as unknown as DecodedRecord);
        return;
      }
      r.skipType(key & 7);
    }
  }

  /** The run with the points added since the previous call (all metadata current), and clears them. */
  take(source: string): { run: SeriesRun; changed: boolean } {
    const metrics = this.newPoints;
    this.newPoints = new Map();
    const changed = this.changed || metrics.size > 0;
    this.changed = false;
    const tags = dict<string>();
    for (const [k, v] of this.info) {
      tags[k] = v;
    }
    for (const [k, v] of this.summary) {
      tags[`summary.${k}`] = summaryText(v);
    }
    const nested = dict<unknown>();
    for (const [k, v] of this.config) {
      nested[k] = v;
    }
    const params: Record<string, ParamValue> = flattenParams(nested);
    const endTime =
      this.exitCode !== undefined && this.startTime !== undefined && this.runtimeSec
        ? this.startTime + this.runtimeSec * 1000
        : this.lastTime;
    const run: SeriesRun = {
      id: this.id || '.',
      name: this.name || this.id || source,
      source: 'wandb',
      path: source,
      metrics,
      params,
      tags,
      status: this.exitCode === undefined ? 'running' : this.exitCode === 0 ? 'succeeded' : 'failed',
      ...(this.gitCommit ? { gitCommit: this.gitCommit } : {}),
      ...(this.project ? { experiment: this.project } : {}),
      ...(this.startTime !== undefined ? { startTime: this.startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
    };
    return { run, changed };
  }

  /** Metadata found beside the file (`files/wandb-metadata.json` of a synced run), lowest precedence. */
  setFallbackInfo(key: string, value: string): void {
    if (key === 'git.commit') {
      if (!this.gitCommit) {
        this.gitCommit = value;
        this.changed = true;
      }
    } else if (!this.info.has(key)) {
      this.info.set(key, value);
      this.changed = true;
    }
  }

  /**
   * Reads one item (`key`, `nested_key`, `value_json`: the same fields in history, summary and config
   * items) ending at `end` into {@link itemName} (nested keys joined with `/`) and {@link itemText}.
   * The same names come back in every row, so a name is decoded once: the bytes of the item's key
   * fields (before `value_json`, as W&B writes them) look up the name in {@link names}.
   */
  private item(r: protobuf.Reader, end: number): void {
    const start = r.pos;
    let keyEnd = -1;
    let text = '';
    while (r.pos < end) {
      const k = r.uint32();
      if (k === ITEM_VALUE_JSON) {
        if (keyEnd < 0) {
          keyEnd = r.pos - 2; // the value_json tag is two bytes (field 16)
        }
        text = r.string();
      } else if ((k === ITEM_KEY || k === ITEM_NESTED_KEY) && keyEnd < 0) {
        r.skip(r.uint32());
      } else {
        keyEnd = -2; // keys after the value or unknown fields: decoded the slow way
        r.skipType(k & 7);
      }
    }
    if (r.pos !== end) {
      throw new RangeError('an item overruns its length');
    }
    this.itemText = text;
    if (keyEnd < 0) {
      this.itemName = this.slowName(r, start, end);
    } else {
      const known = this.names.get(r.buf, start, keyEnd);
      this.itemName = known ?? this.slowName(r, start, end);
      if (known === undefined && this.itemName !== '') {
        this.names.set(r.buf, start, keyEnd, this.itemName);
      }
    }
    r.pos = end;
  }

  /** The name of the item at `[start, end)`, decoded field by field. */
  private slowName(r: protobuf.Reader, start: number, end: number): string {
    r.pos = start;
    let name = '';
    let nested: string | undefined;
    while (r.pos < end) {
      const k = r.uint32();
      if (k === ITEM_KEY) {
        name = r.string();
      } else if (k === ITEM_NESTED_KEY) {
        const part = r.string();
        nested = nested === undefined ? part : `${nested}/${part}`;
      } else {
        r.skipType(k & 7);
      }
    }
    return nested ?? name;
  }

  private summaryRecord(r: protobuf.Reader, end: number): void {
    const updates: [string, string][] = [];
    const removals: string[] = [];
    while (r.pos < end) {
      const key = r.uint32();
      if (key === SUMMARY_UPDATE || key === SUMMARY_REMOVE) {
        const itemEnd = r.uint32() + r.pos;
        this.item(r, itemEnd);
        const name = this.itemName;
        const text = this.itemText;
        if (key === SUMMARY_UPDATE) {
          updates.push([name, text]);
        } else {
          removals.push(name);
        }
      } else {
        r.skipType(key & 7);
      }
    }
    if (r.pos !== end) {
      throw new RangeError('summary record overruns its length');
    }
    for (const [name, text] of updates) {
      this.summaryUpdate(name, { value_json: text });
    }
    for (const name of removals) {
      this.summaryUpdate(name, undefined);
    }
    this.changed = true;
  }

  private history(r: protobuf.Reader, end: number): void {
    const names: string[] = [];
    const values: number[] = [];
    let step: number | undefined;
    let rowStep: number | undefined;
    let time: number | undefined;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === HISTORY_ITEM) {
        const itemEnd = r.uint32() + r.pos;
        this.item(r, itemEnd);
        const metric = this.itemName;
        const text = this.itemText;
        const value = wandbNumber(text);
        if (value === undefined || metric === '') {
          continue;
        }
        if (metric === '_step') {
          step = Number.isSafeInteger(value) && value >= 0 ? value : undefined;
        } else if (metric === '_timestamp') {
          time = value * 1000;
        } else {
          names.push(metric);
          values.push(value);
        }
      } else if (key === HISTORY_STEP) {
        const stepEnd = r.uint32() + r.pos;
        rowStep = 0;
        while (r.pos < stepEnd) {
          const k = r.uint32();
          if (k === 8 /* num: field 1, varint */) {
            rowStep = toNumber(r.int64());
          } else {
            r.skipType(k & 7);
          }
        }
      } else {
        r.skipType(key & 7);
      }
    }
    if (r.pos !== end) {
      throw new RangeError('history record overruns its length');
    }
    const at = step ?? rowStep ?? this.lastStep + 1;
    this.lastStep = at;
    if (time !== undefined && Number.isFinite(time)) {
      this.lastTime = time;
    }
    for (let i = 0; i < names.length; i++) {
      pushPoint(
        this.newPoints,
        names[i],
        time !== undefined ? { step: at, value: values[i], time } : { step: at, value: values[i] },
      );
    }
  }

  private decoded(record: DecodedRecord): void {
    this.changed = true;
    if (record.run) {
      const run = record.run;
      this.id = this.fallbackId || run.run_id || this.id;
      this.name = run.display_name || this.name;
      this.project = run.project || this.project;
      const seconds = toNumber(run.start_time?.seconds);
      if (seconds !== undefined) {
        this.startTime = seconds * 1000 + Math.floor((run.start_time?.nanos ?? 0) / 1e6);
      }
      this.applyItems(this.configUpdate.bind(this), run.config);
      this.applyItems(this.summaryUpdate.bind(this), run.summary);
      this.setInfo('wandb.run_id', run.run_id);
      this.setInfo('wandb.entity', run.entity);
      this.setInfo('wandb.group', run.run_group);
      this.setInfo('wandb.job_type', run.job_type);
      this.setInfo('wandb.notes', run.notes);
      this.setInfo('wandb.sweep_id', run.sweep_id);
      this.setInfo('wandb.host', run.host);
      this.setInfo('wandb.tags', run.tags && run.tags.length > 0 ? run.tags.join(', ') : undefined);
      this.setGit(run.git);
    }
    if (record.config) {
      this.applyItems(this.configUpdate.bind(this), record.config);
    }
    if (record.summary) {
      this.applyItems(this.summaryUpdate.bind(this), record.summary);
    }
    if (record.environment) {
      this.setInfo('wandb.program', record.environment.program);
      this.setGit(record.environment.git);
    }
    if (record.exit) {
      this.exitCode = record.exit.exit_code ?? 0;
      this.runtimeSec = record.exit.runtime ?? 0;
      this.info.set('wandb.exit_code', String(this.exitCode));
    }
  }

  private setGit(git: { remote_url?: string; commit?: string } | undefined): void {
    if (git?.commit) {
      this.gitCommit = git.commit;
    }
    this.setInfo('git.remote', git?.remote_url);
  }

  private setInfo(key: string, value: string | undefined): void {
    if (value) {
      this.info.set(key, value);
    }
  }

  private applyItems(
    update: (key: string, item: WandbItem | undefined) => void,
    group: { update?: WandbItem[]; remove?: WandbItem[] } | undefined,
  ): void {
    for (const item of group?.update ?? []) {
      update(itemKey(item), item);
    }
    for (const item of group?.remove ?? []) {
      update(itemKey(item), undefined);
    }
  }

  private configUpdate(key: string, item: WandbItem | undefined): void {
    if (key === '_wandb' || key.startsWith('_wandb/') || key === '') {
      return;
    }
    if (item === undefined) {
      this.config.delete(key);
    } else {
      this.config.set(key, parseJsonValue(item.value_json ?? 'null'));
    }
  }

  private summaryUpdate(key: string, item: WandbItem | undefined): void {
    if (key === '_wandb' || key.startsWith('_wandb/') || key === '') {
      return;
    }
    if (item === undefined) {
      this.summary.delete(key);
    } else {
      this.summary.set(key, item.value_json ?? 'null');
    }
  }
}
