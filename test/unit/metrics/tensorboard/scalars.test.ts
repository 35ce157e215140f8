/**
 * Which summary values become scalar points: every numeric dtype of a one-element tensor under the
 * `scalars` plugin, typed fields and `tensor_content`, plugin memory across values, and the values
 * that are skipped or dropped. Files are written with our writer (protobufjs + CRC32C).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readTensorBoardRun, type TensorBoardRun } from '../../../../src/core/metrics/tensorboard';
import {
  EventFileWriter,
  scalarEvent,
  type EventInit,
  type SummaryValueInit,
  type TensorInit,
} from '../../../../src/core/metrics/tensorboard/eventWriter';
import { crc32c } from '@node-rs/crc32';
import { BatchCrcPredictor, maskCrc, unmaskCrc } from '../../../../src/core/metrics/tensorboard/checksum';
import { DataType } from '../../../../src/core/metrics/tensorboard/schema';

const work = mkdtempSync(join(tmpdir(), 'xlens-tb-scalars-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

const SCALARS = { plugin_data: { plugin_name: 'scalars' } };

async function runOf(events: EventInit[]): Promise<TensorBoardRun> {
  const dir = join(work, `run${n++}`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const writer = await EventFileWriter.create(dir, { wallTime: 1_700_000_000 });
  for (const event of events) {
    await writer.write(event);
  }
  await writer.close();
  return readTensorBoardRun(dir, '.');
}

function tensorEvent(tag: string, step: number, tensor: TensorInit, withMetadata = true): EventInit {
  const value: SummaryValueInit = { tag, tensor };
  if (withMetadata) {
    value.metadata = SCALARS;
  }
  return { wall_time: 1_700_000_001.5, step, summary: { value: [value] } };
}

function le(write: (b: Buffer) => void, size: number): Buffer {
  const b = Buffer.alloc(size);
  write(b);
  return b;
}

describe('TensorBoard scalars', () => {
  it('reads one-element tensors of every numeric dtype, from typed fields and tensor_content', async () => {
    const run = await runOf([
      tensorEvent('float', 1, { dtype: DataType.DT_FLOAT, float_val: [0.25] }),
      tensorEvent('double', 1, { dtype: DataType.DT_DOUBLE, double_val: [0.1] }),
      // 0x3E00 is 1.5 in IEEE binary16; 0xC000 is −2.
      tensorEvent('half', 1, { dtype: DataType.DT_HALF, half_val: [0x3e00] }),
      tensorEvent('half', 2, { dtype: DataType.DT_HALF, half_val: [0xc000] }),
      tensorEvent('int32', 1, { dtype: DataType.DT_INT32, int_val: [-7] }),
      tensorEvent('int64', 1, { dtype: DataType.DT_INT64, int64_val: [2 ** 40 + 3] }),
      tensorEvent('bool', 1, { dtype: DataType.DT_BOOL, bool_val: [true] }),
      tensorEvent('content-float', 1, {
        dtype: DataType.DT_FLOAT,
        tensor_content: le((b) => b.writeFloatLE(-3.5), 4),
      }),
      tensorEvent('content-double', 1, {
        dtype: DataType.DT_DOUBLE,
        tensor_content: le((b) => b.writeDoubleLE(Math.PI), 8),
      }),
      tensorEvent('content-int64', 1, {
        dtype: DataType.DT_INT64,
        tensor_content: le((b) => b.writeBigInt64LE(-(2n ** 35n)), 8),
      }),
      tensorEvent('content-half', 1, {
        dtype: DataType.DT_HALF,
        tensor_content: le((b) => b.writeUInt16LE(0x3c00), 2), // 1.0
      }),
      // bfloat16 0x4049 is the top half of float32 0x40490000 = 3.140625.
      tensorEvent('bfloat16', 1, { dtype: DataType.DT_BFLOAT16, half_val: [0x4049] }),
      // Shape [1, 1] still holds exactly one number.
      tensorEvent('shaped', 1, {
        dtype: DataType.DT_FLOAT,
        tensor_shape: { dim: [{ size: 1 }, { size: 1 }] },
        float_val: [9],
      }),
    ]);
    const values = Object.fromEntries([...run.metrics].map(([tag, p]) => [tag, p.map((x) => x.value)]));
    assert.deepEqual(values, {
      float: [0.25],
      double: [0.1],
      half: [1.5, -2],
      int32: [-7],
      int64: [2 ** 40 + 3],
      bool: [1],
      'content-float': [-3.5],
      'content-double': [Math.PI],
      'content-int64': [-(2 ** 35)],
      'content-half': [1],
      bfloat16: [3.140625],
      shaped: [9],
    });
    assert.deepEqual(run.warnings, []);
    assert.equal(run.metrics.get('float')![0].time, 1_700_000_001_500);
  });

  it("remembers a tag's plugin from its first value, as writers send metadata once", async () => {
    const run = await runOf([
      tensorEvent('loss', 0, { dtype: DataType.DT_FLOAT, float_val: [1] }, true),
      tensorEvent('loss', 1, { dtype: DataType.DT_FLOAT, float_val: [0.5] }, false),
      tensorEvent('loss', 2, { dtype: DataType.DT_FLOAT, float_val: [0.25] }, false),
    ]);
    assert.deepEqual(
      run.metrics.get('loss')!.map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, 0.5],
        [2, 0.25],
      ],
    );
  });

  it('counts non-scalar values per plugin and skips them', async () => {
    const run = await runOf([
      tensorEvent('vector', 1, {
        dtype: DataType.DT_FLOAT,
        tensor_shape: { dim: [{ size: 2 }] },
        float_val: [1, 2],
      }),
      tensorEvent('text', 1, { dtype: DataType.DT_STRING }),
      {
        wall_time: 1,
        step: 1,
        summary: {
          value: [
            {
              tag: 'pr',
              tensor: { dtype: DataType.DT_FLOAT, float_val: [1] },
              metadata: { plugin_data: { plugin_name: 'pr_curves' } },
            },
            { tag: 'raw', tensor: { dtype: DataType.DT_FLOAT, float_val: [1] } },
            { tag: 'weights', histo: Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0]) },
            { tag: 'sample', image: Buffer.from([8, 1]) },
            { tag: '_hparams_/session_start_info', metadata: { plugin_data: { plugin_name: 'hparams' } } },
            { tag: 'kept', simple_value: 2 },
          ],
        },
      },
    ]);
    assert.deepEqual([...run.metrics.keys()], ['kept']);
    assert.deepEqual(run.skippedPlugins, {
      scalars: 2, // the vector and the string tensor claimed the scalars plugin
      pr_curves: 1,
      '(none)': 1,
      histograms: 1,
      images: 1,
      hparams: 1,
    });
  });

  it('keeps non-finite values as points (a diverged loss) and drops negative steps with one warning per tag', async () => {
    const run = await runOf([
      scalarEvent('loss', 0, 1, 10),
      scalarEvent('loss', 1, NaN, 11),
      scalarEvent('loss', 2, Infinity, 12),
      scalarEvent('loss', -1, 0.5, 13),
      scalarEvent('loss', 3, 0.25, 14),
    ]);
    assert.deepEqual(
      run.metrics.get('loss')!.map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, NaN],
        [2, Infinity],
        [3, 0.25],
      ],
    );
    assert.equal(run.warnings.length, 1);
    assert.match(
      run.warnings[0].message,
      /1 point\(s\) of 'loss' skipped: step negative \(first at step -1\)/,
    );
  });
});

describe('TFRecord checksums', () => {
  it('masks as TFRecord specifies and computes CRC32C (Castagnoli)', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283); // the CRC-32C check value
    for (const crc of [0, 1, 0xe3069283, 0xffffffff, 0x12345678]) {
      const masked = maskCrc(crc);
      assert.equal(masked, ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
      assert.equal(unmaskCrc(masked), crc);
    }
  });

  it('predicts the CRC of a run of records from lengths and stored checksums alone', () => {
    const parts: Buffer[] = [];
    const lengths: number[] = [];
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(random() * 400);
      const payload = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
      const header = Buffer.alloc(12);
      header.writeUInt32LE(length, 0);
      header.writeUInt32LE(maskCrc(crc32c(header.subarray(0, 8))), 8);
      const trailer = Buffer.alloc(4);
      trailer.writeUInt32LE(maskCrc(crc32c(payload)));
      parts.push(header, payload, trailer);
      lengths.push(length);
    }
    const all = Buffer.concat(parts);
    const predict = (bytes: Buffer): number => {
      const predictor = new BatchCrcPredictor();
      let p = 0;
      for (const length of lengths) {
        predictor.addHeader(bytes.readUInt32LE(p + 8));
        predictor.addPayload(length, bytes.readUInt32LE(p + 12 + length));
        p += 16 + length;
      }
      return predictor.value;
    };
    assert.equal(predict(all), crc32c(all));
    const whole = new BatchCrcPredictor();
    const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
    for (let i = 0, p = 0; i < lengths.length; p += 16 + lengths[i++]) {
      whole.addRecord(view, p, lengths[i]);
    }
    assert.equal(whole.value, crc32c(all), 'addRecord folds in header and payload at once');
    for (const at of [3, 10, 500, all.length - 1]) {
      const damaged = Buffer.from(all);
      damaged[at] ^= 0x40;
      assert.notEqual(predict(damaged), crc32c(damaged), `flip at ${at} detected`);
    }
  });
});
