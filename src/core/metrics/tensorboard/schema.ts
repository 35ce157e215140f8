/**
 * The part of TensorBoard's event-file schema that Experiment Lens reads, as a protobufjs root.
 *
 * Field numbers follow `tensorboard/compat/proto/{event,summary,tensor,tensor_shape,types}.proto`
 * (identical to TensorFlow's `tensorflow/core/util/event.proto` and
 * `tensorflow/core/framework/{summary,tensor,tensor_shape,types}.proto`). Only the fields we need
 * are declared; protobuf skips the rest by wire type. Summary.Value's legacy payloads
 * (histogram, image, audio) are declared as `bytes`: we only count them, and a length-delimited
 * message and `bytes` share the wire format.
 *
 * The writer (tests, benchmark) encodes with these types; the reader's hot path walks the same
 * fields with a reused protobufjs `Reader`, using the wire keys derived below from this schema.
 */
import protobuf from 'protobufjs';

const EVENT_PROTO = `
syntax = "proto3";
package tensorboard;

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
  }
}

message Summary {
  message Value {
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      bytes image = 4;
      bytes histo = 5;
      bytes audio = 6;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

enum DataType {
  DT_INVALID = 0;
  DT_FLOAT = 1;
  DT_DOUBLE = 2;
  DT_INT32 = 3;
  DT_UINT8 = 4;
  DT_INT16 = 5;
  DT_INT8 = 6;
  DT_STRING = 7;
  DT_COMPLEX64 = 8;
  DT_INT64 = 9;
  DT_BOOL = 10;
  DT_BFLOAT16 = 14;
  DT_UINT16 = 17;
  DT_HALF = 19;
  DT_UINT32 = 22;
  DT_UINT64 = 23;
}

message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  bytes tensor_content = 4;
  repeated int32 half_val = 13;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated int64 int64_val = 10;
  repeated bool bool_val = 11;
  repeated uint32 uint32_val = 16;
  repeated uint64 uint64_val = 17;
}
`;

/** The protobufjs root holding `tensorboard.Event` and the messages it uses. */
export const eventRoot: protobuf.Root = protobuf.parse(EVENT_PROTO, { keepCase: true }).root;

export const EventType = eventRoot.lookupType('tensorboard.Event');
export const SummaryType = eventRoot.lookupType('tensorboard.Summary');
export const ValueType = eventRoot.lookupType('tensorboard.Summary.Value');
export const MetadataType = eventRoot.lookupType('tensorboard.SummaryMetadata');
export const PluginDataType = eventRoot.lookupType('tensorboard.SummaryMetadata.PluginData');
export const TensorType = eventRoot.lookupType('tensorboard.TensorProto');
export const ShapeType = eventRoot.lookupType('tensorboard.TensorShapeProto');
export const DimType = eventRoot.lookupType('tensorboard.TensorShapeProto.Dim');

/** `tensorboard.DataType` numbers, from the schema. */
export const DataType = eventRoot.lookupEnum('tensorboard.DataType').values as Readonly<
  Record<
    | 'DT_INVALID'
    | 'DT_FLOAT'
    | 'DT_DOUBLE'
    | 'DT_INT32'
    | 'DT_UINT8'
    | 'DT_INT16'
    | 'DT_INT8'
    | 'DT_STRING'
    | 'DT_COMPLEX64'
    | 'DT_INT64'
    | 'DT_BOOL'
    | 'DT_BFLOAT16'
    | 'DT_UINT16'
    | 'DT_HALF'
    | 'DT_UINT32'
    | 'DT_UINT64',
    number
  >
>;

/** Wire type of a length-delimited field (messages, strings, bytes, packed repeated scalars). */
export const WIRE_LEN = 2;

/**
 * The wire key (`field number << 3 | wire type`) of `type.fields[name]` as it appears on the wire
 * unpacked; `packed` gives the key of a packed repeated scalar (wire type 2).
 *
 * @throws Error when the schema has no such field (a programming error).
 */
export function wireKey(type: protobuf.Type, name: string, packed = false): number {
  const field = type.fields[name];
  if (!field) {
    throw new Error(`schema: ${type.name} has no field ${name}`);
  }
  field.resolve();
  const basic = (protobuf.types.basic as Record<string, number | undefined>)[field.type];
  let wire: number;
  if (packed || basic === undefined) {
    wire = field.resolvedType instanceof protobuf.Enum && !packed ? 0 : WIRE_LEN;
  } else {
    wire = basic;
  }
  return ((field.id << 3) | wire) >>> 0;
}

/** Every wire key the decoder switches on, computed once from the schema. */
export const KEYS = {
  event: {
    wallTime: wireKey(EventType, 'wall_time'),
    step: wireKey(EventType, 'step'),
    summary: wireKey(EventType, 'summary'),
  },
  summary: { value: wireKey(SummaryType, 'value') },
  value: {
    tag: wireKey(ValueType, 'tag'),
    metadata: wireKey(ValueType, 'metadata'),
    simpleValue: wireKey(ValueType, 'simple_value'),
    oldHistogram: wireKey(ValueType, 'obsolete_old_style_histogram'),
    image: wireKey(ValueType, 'image'),
    histo: wireKey(ValueType, 'histo'),
    audio: wireKey(ValueType, 'audio'),
    tensor: wireKey(ValueType, 'tensor'),
  },
  metadata: { pluginData: wireKey(MetadataType, 'plugin_data') },
  pluginData: {
    pluginName: wireKey(PluginDataType, 'plugin_name'),
    content: wireKey(PluginDataType, 'content'),
  },
  tensor: {
    dtype: wireKey(TensorType, 'dtype'),
    shape: wireKey(TensorType, 'tensor_shape'),
    content: wireKey(TensorType, 'tensor_content'),
    /** Field ids of the typed repeated value fields (packed or not). */
    halfVal: TensorType.fields.half_val.id,
    floatVal: TensorType.fields.float_val.id,
    doubleVal: TensorType.fields.double_val.id,
    intVal: TensorType.fields.int_val.id,
    int64Val: TensorType.fields.int64_val.id,
    boolVal: TensorType.fields.bool_val.id,
    uint32Val: TensorType.fields.uint32_val.id,
    uint64Val: TensorType.fields.uint64_val.id,
  },
  shape: { dim: wireKey(ShapeType, 'dim'), unknownRank: wireKey(ShapeType, 'unknown_rank') },
  dim: { size: wireKey(DimType, 'size') },
} as const;
