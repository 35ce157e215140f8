/**
 * The decoder's layout fast path (events shaped like an earlier one of the same tag are read at
 * the same offsets) and the columnar batches: a seeded random mix of event shapes, steps whose
 * varint length changes, non-finite values, multi-value events, a tag whose plugin changes, read
 * whole and in small batches through tiny chunks, must give exactly the points the generator
 * wrote.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  readTensorBoardRun,
  TensorBoardRunReader,
  columnsToPoints,
} from '../../../../src/core/metrics/tensorboard';
import {
  EventFileWriter,
  type EventInit,
  type SummaryValueInit,
  type TensorInit,
} from '../../../../src/core/metrics/tensorboard/eventWriter';
import { DataType } from '../../../../src/core/metrics/tensorboard/schema';
import { EventDecoder } from '../../../../src/core/metrics/tensorboard/eventDecoder';
import { newCursor, RecordScanner } from '../../../../src/core/metrics/tensorboard/recordScanner';
import type { MetricPoint } from '../../../../src/core/metrics/series';

const FIXTURES = join(__dirname, '../../../fixtures/tensorboard');

const work = mkdtempSync(join(tmpdir(), 'xlens-tb-layout-'));
after(() => rmSync(work, { recursive: true, force: true }));

type Kind = 'simple' | 'float_val' | 'double_val' | 'content-float' | 'content-double' | 'half' | 'int64';
const KINDS: Kind[] = [
  'simple',
  'float_val',
  'double_val',
  'content-float',
  'content-double',
  'half',
  'int64',
];
const STEPS = [
  0,
  1,
  127,
  128,
  16383,
  16384,
  2 ** 21 - 1,
  2 ** 21,
  2 ** 28 - 1,
  2 ** 28,
  2 ** 31,
  2 ** 40,
  -1,
  -300,
];

function le(size: number, write: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(size);
  write(b);
  return b;
}

/** A Summary.Value of `kind` holding `value`, and the number the reader must return for it. */
function summaryValue(tag: string, kind: Kind, value: number): [SummaryValueInit, number] {
  const tensor = (t: TensorInit): SummaryValueInit => ({ tag, tensor: t });
  switch (kind) {
    case 'simple':
      return [{ tag, simple_value: value }, Math.fround(value)];
    case 'float_val':
      return [tensor({ dtype: DataType.DT_FLOAT, tensor_shape: {}, float_val: [value] }), Math.fround(value)];
    case 'double_val':
      return [tensor({ dtype: DataType.DT_DOUBLE, tensor_shape: {}, double_val: [value] }), value];
    case 'content-float':
      return [
        tensor({ dtype: DataType.DT_FLOAT, tensor_content: le(4, (b) => b.writeFloatLE(value)) }),
        Math.fround(value),
      ];
    case 'content-double':
      return [
        tensor({ dtype: DataType.DT_DOUBLE, tensor_content: le(8, (b) => b.writeDoubleLE(value)) }),
        value,
      ];
    case 'half':
      return [tensor({ dtype: DataType.DT_HALF, half_val: [0x3c00] }), 1];
    case 'int64': {
      const n = Number.isFinite(value) ? Math.round(value * 1000) : 0;
      return [tensor({ dtype: DataType.DT_INT64, int64_val: [n] }), n];
    }
  }
}

async function writeRun(name: string, events: EventInit[]): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  const writer = await EventFileWriter.create(dir, { wallTime: 1_700_000_000 });
  for (const event of events) {
    await writer.write(event);
  }
  await writer.close();
  return dir;
}

describe('TensorBoard layout fast path', () => {
  it('returns exactly the generated points for a random mix of event shapes', async () => {
    let seed = 12345;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const tags = Array.from({ length: 12 }, (_, i) => ({
      name: `group/tag_${i}`,
      kind: KINDS[i % KINDS.length],
    }));
    const plugin = new Map<string, string>();
    const expected = new Map<string, MetricPoint[]>();
    const events: EventInit[] = [];
    let step = 0;
    let dropped = 0;
    for (let i = 0; i < 6000; i++) {
      // Mostly a fixed cycle of tags (as writers do), sometimes a random one; steps grow through
      // every varint length, with occasional jumps to big or negative steps.
      const tag = random() < 0.8 ? tags[i % tags.length] : pick(tags);
      if (i % tags.length === 0) {
        step += random() < 0.05 ? Math.floor(random() * 1000) : 1;
      }
      const eventStep = random() < 0.03 ? pick(STEPS) : step * (i < 3000 ? 1 : 997);
      const raw = random() < 0.02 ? pick([NaN, Infinity, -Infinity]) : (random() - 0.5) * 1e4;
      const wall = 1_700_000_000 + i * 0.25;
      const values: SummaryValueInit[] = [];
      const [value, number] = summaryValue(tag.name, tag.kind, raw);
      // The tensor tags name the scalars plugin on their first value only, as TF2 does.
      if (tag.kind !== 'simple' && !plugin.has(tag.name)) {
        value.metadata = { plugin_data: { plugin_name: 'scalars' } };
        plugin.set(tag.name, 'scalars');
      }
      values.push(value);
      const points = [[tag.name, number]] as [string, number][];
      if (random() < 0.05) {
        values.push({ tag: 'extra', simple_value: raw / 2 }); // two values in one event
        points.push(['extra', Math.fround(raw / 2)]);
      }
      events.push({ wall_time: wall, step: eventStep, summary: { value: values } });
      for (const [name, n] of points) {
        if (eventStep < 0) {
          dropped++;
          continue;
        }
        const list = expected.get(name) ?? [];
        list.push({ step: eventStep, value: n, time: wall * 1000 });
        expected.set(name, list);
      }
    }
    assert.ok(dropped > 0);
    const dir = await writeRun('mix', events);

    const whole = await readTensorBoardRun(dir, '.');
    assert.deepEqual(new Map(whole.metrics), expected);
    assert.ok(whole.warnings.length > 0);
    assert.ok(whole.warnings.every((w) => /skipped: step negative/.test(w.message)));

    // Small chunks and batches: records cross chunk and span boundaries, points come in pieces.
    const reader = new TensorBoardRunReader(dir, { chunkBytes: 4096 });
    const pieces = new Map<string, MetricPoint[]>();
    for (;;) {
      const result = await reader.readColumns({ maxBytes: 20_000 });
      for (const [tag, batch] of result.columns) {
        assert.equal(batch.steps.length, batch.length);
        pieces.set(tag, [...(pieces.get(tag) ?? []), ...columnsToPoints(batch)]);
      }
      if (!result.more) {
        break;
      }
    }
    assert.deepEqual(pieces, expected);
  });

  it('stops reading a tensor tag as scalars when its plugin changes, even with an identical layout', async () => {
    const value = (step: number, v: number, pluginName?: string): EventInit => {
      const sv: SummaryValueInit = {
        tag: 'x',
        tensor: { dtype: DataType.DT_FLOAT, tensor_shape: {}, float_val: [v] },
      };
      if (pluginName) {
        sv.metadata = { plugin_data: { plugin_name: pluginName } };
      }
      return { wall_time: 1_700_000_000 + step, step, summary: { value: [sv] } };
    };
    const dir = await writeRun('switch', [
      value(1, 1, 'scalars'),
      value(2, 2),
      value(3, 3),
      value(4, 4, 'custom'),
      value(5, 5), // same bytes as steps 2 and 3 but for the values: now under 'custom'
      value(6, 6, 'scalars'),
      value(7, 7),
    ]);
    const run = await readTensorBoardRun(dir, '.');
    assert.deepEqual(
      run.metrics.get('x')!.map((p) => p.step),
      [1, 2, 3, 6, 7],
    );
    assert.deepEqual(run.skippedPlugins, { custom: 2 });
  });

  it('gives the same points through read() and readColumns()', async () => {
    const events = Array.from({ length: 300 }, (_, i) => ({
      wall_time: 1_700_000_000 + i,
      step: i,
      summary: { value: [{ tag: i % 2 ? 'a' : 'b', simple_value: i / 8 }] },
    }));
    const dir = await writeRun('same', events);
    const points = await new TensorBoardRunReader(dir).read();
    const columns = await new TensorBoardRunReader(dir).readColumns();
    assert.deepEqual(
      new Map([...columns.columns].map(([tag, batch]) => [tag, columnsToPoints(batch)])),
      points.newPoints,
    );
    assert.equal(points.newPoints.get('a')!.length, 150);
    assert.deepEqual(points.newPoints.get('a')![1], { step: 3, value: 3 / 8, time: 1_700_000_003_000 });
  });

  it('decodes every real fixture file exactly as the full decoder does', async () => {
    const files = (readdirSync(FIXTURES, { recursive: true }) as string[])
      .filter((name) => name.includes('tfevents'))
      .map((name) => join(FIXTURES, name));
    assert.ok(files.length >= 30, `${files.length} fixture files`);
    let points = 0;
    for (const file of files) {
      const decode = async (layouts: boolean): Promise<unknown> => {
        const decoder = new EventDecoder({ layouts });
        const warnings: unknown[] = [];
        decoder.warnings = warnings as never;
        await new RecordScanner(4096).scan(newCursor(file), decoder, decoder.warnings);
        const series = decoder.series.map((s) => ({
          name: s.name,
          plugin: s.plugin,
          dropped: s.dropped,
          steps: [...s.steps.subarray(0, s.count)],
          values: [...s.values.subarray(0, s.count)],
          times: [...s.times.subarray(0, s.count)],
        }));
        return {
          series,
          warnings,
          skipped: decoder.takeSkipped(),
          range: [decoder.firstTime, decoder.lastTime],
        };
      };
      const fast = (await decode(true)) as { series: { steps: number[] }[] };
      assert.deepEqual(fast, await decode(false), file);
      points += fast.series.reduce((n, s) => n + s.steps.length, 0);
    }
    assert.ok(points > 18_000, `${points} points`);
  });
});
