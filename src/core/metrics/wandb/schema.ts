/**
 * The part of W&B's record schema that Experiment Lens reads, as a protobufjs root.
 *
 * Field numbers follow `wandb/proto/wandb_internal.proto` of the W&B SDK (checked against the
 * descriptors shipped in wandb 0.30's `wandb_internal_pb2`). Only the fields we read are declared;
 * protobuf skips the others by wire type. `google.protobuf.Timestamp` is declared here under our
 * package (same wire layout: `int64 seconds = 1; int32 nanos = 2`).
 *
 * History and summary records (one of each per logged step) are walked field by field over a
 * protobufjs `Reader` with the wire keys below (no message objects); the rarer records are decoded
 * with these types. History, summary and config items share one layout (`key` 1, `nested_key` 2,
 * `value_json` 16): the item keys below serve all three.
 */
import protobuf from 'protobufjs';

const RECORD_PROTO = `
syntax = "proto3";
package xlens_wandb;

message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}

message Record {
  int64 num = 1;
  oneof record_type {
    HistoryRecord history = 2;
    SummaryRecord summary = 3;
    ConfigRecord config = 5;
    RunRecord run = 17;
    RunExitRecord exit = 18;
    EnvironmentRecord environment = 26;
  }
}

message HistoryStep {
  int64 num = 1;
}

message HistoryRecord {
  repeated HistoryItem item = 1;
  HistoryStep step = 2;
}

message HistoryItem {
  string key = 1;
  repeated string nested_key = 2;
  string value_json = 16;
}

message ConfigRecord {
  repeated ConfigItem update = 1;
  repeated ConfigItem remove = 2;
}

message ConfigItem {
  string key = 1;
  repeated string nested_key = 2;
  string value_json = 16;
}

message SummaryRecord {
  repeated SummaryItem update = 1;
  repeated SummaryItem remove = 2;
}

message SummaryItem {
  string key = 1;
  repeated string nested_key = 2;
  string value_json = 16;
}

message GitRepoRecord {
  string remote_url = 1;
  string commit = 2;
}

message RunRecord {
  string run_id = 1;
  string entity = 2;
  string project = 3;
  ConfigRecord config = 4;
  SummaryRecord summary = 5;
  string run_group = 6;
  string job_type = 7;
  string display_name = 8;
  string notes = 9;
  repeated string tags = 10;
  string sweep_id = 12;
  string host = 13;
  int64 starting_step = 14;
  Timestamp start_time = 17;
  bool resumed = 18;
  GitRepoRecord git = 21;
}

message RunExitRecord {
  int32 exit_code = 1;
  int32 runtime = 2;
}

message EnvironmentRecord {
  string program = 6;
  GitRepoRecord git = 9;
}
`;

/** The protobufjs root holding `xlens_wandb.Record` and the messages it uses. */
export const recordRoot: protobuf.Root = protobuf.parse(RECORD_PROTO, { keepCase: true }).root;

export const RecordType = recordRoot.lookupType('xlens_wandb.Record');
export const HistoryRecordType = recordRoot.lookupType('xlens_wandb.HistoryRecord');
export const HistoryItemType = recordRoot.lookupType('xlens_wandb.HistoryItem');
export const SummaryRecordType = recordRoot.lookupType('xlens_wandb.SummaryRecord');
export const SummaryItemType = recordRoot.lookupType('xlens_wandb.SummaryItem');

/** A config or summary item as decoded. */
export interface WandbItem {
  key?: string;
  nested_key?: string[];
  value_json?: string;
}

/** The decoded shape of the records read with {@link RecordType} (history excepted). */
export interface DecodedRecord {
  num?: number | protobuf.Long;
  summary?: { update?: WandbItem[]; remove?: WandbItem[] };
  config?: { update?: WandbItem[]; remove?: WandbItem[] };
  run?: {
    run_id?: string;
    entity?: string;
    project?: string;
    config?: { update?: WandbItem[]; remove?: WandbItem[] };
    summary?: { update?: WandbItem[]; remove?: WandbItem[] };
    run_group?: string;
    job_type?: string;
    display_name?: string;
    notes?: string;
    tags?: string[];
    sweep_id?: string;
    host?: string;
    start_time?: { seconds?: number | protobuf.Long; nanos?: number };
    git?: { remote_url?: string; commit?: string };
  };
  exit?: { exit_code?: number; runtime?: number };
  environment?: { program?: string; git?: { remote_url?: string; commit?: string } };
}

/** Wire type of a length-delimited field. */
const WIRE_LEN = 2;

function lenKey(type: protobuf.Type, name: string): number {
  const field = type.fields[name];
  if (!field) {
    throw new Error(`schema: ${type.name} has no field ${name}`);
  }
  return ((field.id << 3) | WIRE_LEN) >>> 0;
}

/** The wire keys the history walk switches on, computed once from the schema. */
export const KEYS = {
  record: { history: lenKey(RecordType, 'history'), summary: lenKey(RecordType, 'summary') },
  history: { item: lenKey(HistoryRecordType, 'item'), step: lenKey(HistoryRecordType, 'step') },
  summary: { update: lenKey(SummaryRecordType, 'update'), remove: lenKey(SummaryRecordType, 'remove') },
  item: {
    key: lenKey(HistoryItemType, 'key'),
    nestedKey: lenKey(HistoryItemType, 'nested_key'),
    valueJson: lenKey(HistoryItemType, 'value_json'),
  },
} as const;
