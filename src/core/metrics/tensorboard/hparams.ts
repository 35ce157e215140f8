/**
 * The HParams plugin's records in TensorBoard event files, read as a run's params.
 *
 * `tf.summary`/Keras (`tensorboard.plugins.hparams.api.hparams`), tensorboardX and PyTorch
 * (`SummaryWriter.add_hparams`) and Lightning's `TensorBoardLogger` write the hyperparameters of a
 * run as a summary value tagged `_hparams_/session_start_info` whose `metadata.plugin_data` is
 * `{plugin_name: "hparams", content: HParamsPluginData}`. The messages below follow TensorBoard's
 * `tensorboard/plugins/hparams/plugin_data.proto`, `api.proto` and Google's `struct.proto`
 * (`google.protobuf.Value`), reduced to the fields read here; protobuf skips the others. Map fields
 * are declared as the repeated key/value entries they are on the wire, so names from the file
 * (`__proto__` included) never become keys of a plain object.
 */
import protobuf from 'protobufjs';
import type { ParamValue } from '../../runs/types';
import { dict } from '../../../shared/dict';

/** The `plugin_name` of the HParams plugin. */
export const HPARAMS_PLUGIN = 'hparams';

const HPARAMS_PROTO = `
syntax = "proto3";
package hparams;

message HParamsPluginData {
  int32 version = 1;
  oneof data {
    bytes experiment = 2;
    SessionStartInfo session_start_info = 3;
    bytes session_end_info = 4;
  }
}

message Entry {
  string key = 1;
  Value value = 2;
}

message SessionStartInfo {
  repeated Entry hparams = 1;
  string model_uri = 2;
  string monitor_url = 3;
  string group_name = 4;
  double start_time_secs = 5;
}

message Value {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}

message Struct {
  repeated Entry fields = 1;
}

message ListValue {
  repeated Value values = 1;
}
`;

const root = protobuf.parse(HPARAMS_PROTO, { keepCase: true }).root;
const PluginDataType = root.lookupType('hparams.HParamsPluginData');

interface ValueMessage {
  null_value?: number;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: { fields?: EntryMessage[] };
  list_value?: { values?: ValueMessage[] };
}

interface EntryMessage {
  key?: string;
  value?: ValueMessage;
}

interface PluginDataMessage {
  session_start_info?: { hparams?: EntryMessage[]; group_name?: string };
}

/** A session start record: the run's hyperparameters and its group (the trial id). */
export interface HParamsSessionStart {
  /** Name → value; numbers, strings, booleans, `null`; a struct or list as its JSON text. */
  params: Record<string, ParamValue>;
  /** `group_name` (Keras' `trial_id`), when written. */
  group?: string;
}

/**
 * Decodes the `content` of an HParams plugin value.
 * @returns the session start info, or `undefined` for the plugin's other records (experiment,
 *   session end).
 * @throws Error naming the HParams plugin when the bytes are not a valid `HParamsPluginData`.
 */
export function decodeHParamsContent(content: Uint8Array): HParamsSessionStart | undefined {
  let message: PluginDataMessage;
  try {
    message = PluginDataType.toObject(PluginDataType.decode(content), { defaults: false });
  } catch (error) {
    throw new Error(`HParams plugin data: ${(error as Error).message}`);
  }
  const start = message.session_start_info;
  if (!start) {
    return undefined;
  }
  const params = dict<ParamValue>();
  for (const { key, value } of start.hparams ?? []) {
    params[key ?? ''] = value ? paramOf(value) : null;
  }
  return start.group_name ? { params, group: start.group_name } : { params };
}

function paramOf(value: ValueMessage): ParamValue {
  if (value.number_value !== undefined) {
    return value.number_value;
  }
  if (value.string_value !== undefined) {
    return value.string_value;
  }
  if (value.bool_value !== undefined) {
    return value.bool_value;
  }
  if (value.struct_value !== undefined || value.list_value !== undefined) {
    return JSON.stringify(plain(value));
  }
  return null;
}

/** A struct or list value as plain JSON data (for its text). */
function plain(value: ValueMessage): unknown {
  if (value.struct_value !== undefined) {
    const out = dict<unknown>();
    for (const { key, value: v } of value.struct_value.fields ?? []) {
      out[key ?? ''] = v ? plain(v) : null;
    }
    return out;
  }
  if (value.list_value !== undefined) {
    return (value.list_value.values ?? []).map(plain);
  }
  return paramOf(value);
}
