#!/usr/bin/env python3
"""Reference reader for bench/wandb.bench.ts, run with a Python that has `wandb` installed.

W&B's own decoding of a run file: every record's CRC-32 checked (zlib, as the W&B service does) and
parsed with the SDK's message class `wandb.proto.wandb_internal_pb2.Record` (protobuf's C `upb`
backend); history items' values parsed with `json.loads`. wandb 0.30 ships no Python reader of the
framing (`wandb.sdk.internal.datastore` was removed when its Go service took over reading and
writing), so the framing loop is the few lines below. Counts numeric history points (`_step` and
`_timestamp` excluded, as our reader keeps them as step and time) and sums the finite ones.
Prints one JSON line: seconds and CPU seconds (excluding interpreter start-up and imports), points,
sum, bytes, implementation.

Usage: python wandb.bench.py FILE
"""
import json
import math
import struct
import sys
import time
import zlib

from google.protobuf.internal import api_implementation
from wandb.proto import wandb_internal_pb2 as pb

BLOCK = 32 * 1024
HEADER = struct.Struct("<IHB")


def records(data):
    off = 7
    pending = None
    n = len(data)
    while off + 7 <= n:
        left = BLOCK - off % BLOCK
        if left < 7:
            off += left
            continue
        crc, length, kind = HEADER.unpack_from(data, off)
        payload = data[off + 7 : off + 7 + length]
        if zlib.crc32(payload, zlib.crc32(bytes((kind,)))) != crc:
            raise ValueError(f"checksum mismatch at {off}")
        off += 7 + length
        if kind == 1:
            yield payload
        elif kind == 2:
            pending = [payload]
        elif kind == 3:
            pending.append(payload)
        elif kind == 4:
            pending.append(payload)
            yield b"".join(pending)
            pending = None


def main():
    path = sys.argv[1]
    wall = time.perf_counter()
    cpu = time.process_time()
    with open(path, "rb") as f:
        data = f.read()
    points = 0
    total = 0.0
    rec = pb.Record()
    for payload in records(data):
        rec.ParseFromString(payload)
        if rec.WhichOneof("record_type") != "history":
            continue
        for item in rec.history.item:
            key = item.nested_key[0] if len(item.nested_key) == 1 else ("/".join(item.nested_key) or item.key)
            if key in ("_step", "_timestamp"):
                continue
            value = json.loads(item.value_json)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                points += 1
                if math.isfinite(value):
                    total += value
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "points": points,
                "sum": total,
                "bytes": len(data),
                "implementation": f"wandb_internal_pb2, protobuf {api_implementation.Type()}",
            }
        )
    )


if __name__ == "__main__":
    main()
