#!/usr/bin/env python3
"""Python reference reader for bench/tensorboard.bench.ts (run with Debian's /usr/bin/python3).

Reads TFRecord event files with both masked CRC32C checks (python3-crc32c, a C extension) and
decodes each Event with python3-protobuf, through message classes built at run time from a
FileDescriptorProto that declares the same fields as src/core/metrics/tensorboard/schema.ts.
Counts scalar points (simple_value, and one-element tensors of the `scalars` plugin) and sums
their values. Prints one JSON line: seconds and CPU seconds (excluding interpreter start-up), points, sum,
bytes.

Usage: python3 tensorboard.bench.py FILE...
"""
import json
import struct
import sys
import time

import crc32c
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import api_implementation

F = descriptor_pb2.FieldDescriptorProto


def message(file, name, fields):
    msg = file.message_type.add(name=name)
    for fname, number, ftype, label, type_name in fields:
        field = msg.field.add(name=fname, number=number, type=ftype, label=label)
        if type_name:
            field.type_name = type_name
    return msg


def build_classes():
    f = descriptor_pb2.FileDescriptorProto(name='xlens_bench_event.proto', package='bench', syntax='proto3')
    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message(f, 'Dim', [('size', 1, F.TYPE_INT64, opt, None)])
    message(f, 'TensorShapeProto', [('dim', 2, F.TYPE_MESSAGE, rep, '.bench.Dim')])
    message(f, 'TensorProto', [
        ('dtype', 1, F.TYPE_INT32, opt, None),
        ('tensor_shape', 2, F.TYPE_MESSAGE, opt, '.bench.TensorShapeProto'),
        ('tensor_content', 4, F.TYPE_BYTES, opt, None),
        ('float_val', 5, F.TYPE_FLOAT, rep, None),
        ('double_val', 6, F.TYPE_DOUBLE, rep, None),
        ('int_val', 7, F.TYPE_INT32, rep, None),
        ('int64_val', 10, F.TYPE_INT64, rep, None),
    ])
    message(f, 'PluginData', [('plugin_name', 1, F.TYPE_STRING, opt, None)])
    message(f, 'SummaryMetadata', [('plugin_data', 1, F.TYPE_MESSAGE, opt, '.bench.PluginData')])
    value = message(f, 'Value', [
        ('tag', 1, F.TYPE_STRING, opt, None),
        ('metadata', 9, F.TYPE_MESSAGE, opt, '.bench.SummaryMetadata'),
        ('simple_value', 2, F.TYPE_FLOAT, opt, None),
        ('tensor', 8, F.TYPE_MESSAGE, opt, '.bench.TensorProto'),
    ])
    value.oneof_decl.add(name='value')
    for field in value.field:
        if field.name in ('simple_value', 'tensor'):
            field.oneof_index = 0
    message(f, 'Summary', [('value', 1, F.TYPE_MESSAGE, rep, '.bench.Value')])
    message(f, 'Event', [
        ('wall_time', 1, F.TYPE_DOUBLE, opt, None),
        ('step', 2, F.TYPE_INT64, opt, None),
        ('summary', 5, F.TYPE_MESSAGE, opt, '.bench.Summary'),
    ])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    desc = pool.FindMessageTypeByName('bench.Event')
    if hasattr(message_factory, 'GetMessageClass'):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def main():
    Event = build_classes()
    started = time.perf_counter()
    cpu_started = time.process_time()
    points = 0
    total = 0.0
    nbytes = 0
    errors = 0
    for path in sys.argv[1:]:
        plugin_of = {}
        with open(path, 'rb') as fh:
            data = fh.read()
        nbytes += len(data)
        view = memoryview(data)
        pos = 0
        end = len(data)
        unpack = struct.unpack_from
        while pos + 12 <= end:
            length, lcrc = unpack('<QI', data, pos)
            if masked(crc32c.crc32c(view[pos:pos + 8])) != lcrc:
                errors += 1
                break
            start = pos + 12
            stop = start + length
            if stop + 4 > end:
                break
            (pcrc,) = unpack('<I', data, stop)
            pos = stop + 4
            payload = view[start:stop]
            if masked(crc32c.crc32c(payload)) != pcrc:
                errors += 1
                continue
            event = Event.FromString(payload)
            if not event.HasField('summary'):
                continue
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                if plugin:
                    plugin_of[value.tag] = plugin
                kind = value.WhichOneof('value')
                if kind == 'simple_value':
                    points += 1
                    total += value.simple_value
                elif kind == 'tensor' and plugin_of.get(value.tag) == 'scalars':
                    tensor = value.tensor
                    if tensor.float_val:
                        x = tensor.float_val[0]
                    elif tensor.double_val:
                        x = tensor.double_val[0]
                    elif tensor.tensor_content:
                        x = struct.unpack('<f', tensor.tensor_content)[0]
                    else:
                        continue
                    points += 1
                    total += x
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    version = __import__('google.protobuf').protobuf.__version__
    print(json.dumps({
        'seconds': seconds, 'cpu': cpu, 'points': points, 'sum': total, 'bytes': nbytes, 'errors': errors,
        'implementation': 'python3-protobuf %s %s + crc32c' % (version, api_implementation.Type()),
    }))


if __name__ == '__main__':
    main()
