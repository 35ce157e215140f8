/**
 * Incremental reading and damaged input, on copies of real event files: a record still being
 * written, appends, bit flips in payloads and headers, a protobuf cut short inside a valid record,
 * a truncated file, batched draining and files that appear later.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  readTensorBoardRun,
  TensorBoardRunReader,
  type TensorBoardReadResult,
} from '../../../../src/core/metrics/tensorboard';
import { EventType } from '../../../../src/core/metrics/tensorboard/schema';
import { frameRecord } from '../../../../src/core/metrics/tensorboard/eventWriter';
import type { MetricPoint } from '../../../../src/core/metrics/series';

const FIXTURES = join(__dirname, '../../../fixtures/tensorboard');
/** PyTorch Lightning run: 15,681 records, simple_value scalars (744 KB). */
const LIGHTNING = join(
  FIXTURES,
  'CarlSchader__labeled-contrastive-framework/lightning_logs/version_0/events.out.tfevents.1713773043.carls-gaming-linux.286970.0',
);
/** torch SummaryWriter run: 13 records, tag Loss/train. */
const SMALL = join(
  FIXTURES,
  'brianjsl__ndf_mnist/runs/Mar14_02-53-12_dhcp-10-29-125-30.dyn.MIT.EDU/events.out.tfevents.1647240792.dhcp-10-29-125-30.dyn.MIT.EDU.47343.0',
);
const FILE_NAME = 'events.out.tfevents.1700000000.test.1.0';

const work = mkdtempSync(join(tmpdir(), 'xlens-tb-'));
after(() => rmSync(work, { recursive: true, force: true }));
let runCount = 0;
function runDir(): string {
  const dir = join(work, `run${runCount++}`);
  mkdirSync(dir);
  return dir;
}

/** Record boundaries of an intact file (offset of each header, payload length). */
function records(bytes: Buffer): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let p = 0; p + 12 <= bytes.length;) {
    const length = Number(bytes.readBigUInt64LE(p));
    out.push({ offset: p, length });
    p += 16 + length;
  }
  return out;
}

/** Tags of the simple_value scalars in one record (decoded with the generic protobufjs decoder). */
function tagsOf(bytes: Buffer, record: { offset: number; length: number }): string[] {
  const payload = bytes.subarray(record.offset + 12, record.offset + 12 + record.length);
  const event = EventType.toObject(EventType.decode(payload)) as {
    summary?: { value?: { tag: string; simple_value?: number }[] };
  };
  return (event.summary?.value ?? []).filter((v) => v.simple_value !== undefined).map((v) => v.tag);
}

function counts(points: Map<string, MetricPoint[]>): Record<string, number> {
  return Object.fromEntries([...points].map(([tag, p]) => [tag, p.length]));
}

function merge(into: Map<string, MetricPoint[]>, result: TensorBoardReadResult): void {
  for (const [tag, points] of result.newPoints) {
    into.set(tag, [...(into.get(tag) ?? []), ...points]);
  }
}

async function readAll(path: string): Promise<Map<string, MetricPoint[]>> {
  const dir = runDir();
  copyFileSync(path, join(dir, FILE_NAME));
  const run = await readTensorBoardRun(dir, '.');
  assert.deepEqual(run.warnings, []);
  return run.metrics;
}

describe('TensorBoard reader: incremental reading', () => {
  it('leaves a record still being written for the next read, then completes it', async () => {
    const bytes = readFileSync(LIGHTNING);
    const all = records(bytes);
    const cut = all[5000].offset + 7; // mid-header of record 5000
    const dir = runDir();
    const file = join(dir, FILE_NAME);
    writeFileSync(file, bytes.subarray(0, cut));
    const reader = new TensorBoardRunReader(dir);

    const first = await reader.read();
    assert.deepEqual(first.warnings, [], 'a partial tail is not corruption');
    assert.equal(first.bytesRead, all[5000].offset);
    assert.equal(reader.pendingBytes, 7);
    const firstCount = [...first.newPoints.values()].reduce((n, p) => n + p.length, 0);
    const expectedFirst = all.slice(0, 5000).reduce((n, r) => n + tagsOf(bytes, r).length, 0);
    assert.equal(firstCount, expectedFirst);

    const again = await reader.read();
    assert.equal(again.bytesRead, 0, 'nothing new: nothing read');
    assert.equal(again.newPoints.size, 0);

    appendFileSync(file, bytes.subarray(cut));
    const second = await reader.read();
    assert.deepEqual(second.warnings, []);
    assert.equal(second.bytesRead, bytes.length - all[5000].offset, 'only the appended part is read');
    assert.equal(reader.pendingBytes, 0);
    const merged = new Map<string, MetricPoint[]>();
    merge(merged, first);
    merge(merged, second);
    assert.deepEqual(merged, await readAll(LIGHTNING));
  });

  it('follows a file that grows a few bytes at a time', async () => {
    const bytes = readFileSync(SMALL);
    const dir = runDir();
    const file = join(dir, FILE_NAME);
    writeFileSync(file, Buffer.alloc(0));
    const reader = new TensorBoardRunReader(dir);
    const merged = new Map<string, MetricPoint[]>();
    for (let p = 0, step = 1; p < bytes.length; step = (step % 13) + 1) {
      appendFileSync(file, bytes.subarray(p, p + step));
      p += step;
      const result = await reader.read();
      assert.deepEqual(result.warnings, []);
      merge(merged, result);
    }
    assert.deepEqual(merged, await readAll(SMALL));
    assert.equal(merged.get('Loss/train')!.length, 24);
  });

  it('drains a large run in bounded batches with maxBytes', async () => {
    const dir = runDir();
    copyFileSync(LIGHTNING, join(dir, FILE_NAME));
    const reader = new TensorBoardRunReader(dir, { chunkBytes: 64 * 1024 });
    const merged = new Map<string, MetricPoint[]>();
    let calls = 0;
    for (;;) {
      const result = await reader.read({ maxBytes: 100_000 });
      calls++;
      assert.ok(result.bytesRead <= 100_000 + 64 * 1024);
      merge(merged, result);
      if (!result.more) {
        break;
      }
    }
    const size = readFileSync(LIGHTNING).length;
    assert.ok(calls >= Math.ceil(size / (100_000 + 64 * 1024)), `${calls} batches`);
    assert.deepEqual(merged, await readAll(LIGHTNING));
  });

  it('picks up an event file that appears later, after the existing ones', async () => {
    const dir = runDir();
    copyFileSync(SMALL, join(dir, 'events.out.tfevents.1647240792.host.1.0'));
    const reader = new TensorBoardRunReader(dir);
    const first = await reader.read();
    assert.equal(first.newPoints.get('Loss/train')!.length, 24);
    copyFileSync(SMALL, join(dir, 'events.out.tfevents.1647240999.host.1.0'));
    const second = await reader.read();
    assert.deepEqual(second.newPoints.get('Loss/train'), first.newPoints.get('Loss/train'));
  });
});

describe('TensorBoard reader: damaged input', () => {
  it('skips a record whose payload has a flipped bit, with a warning at its offset', async () => {
    const bytes = Buffer.from(readFileSync(LIGHTNING));
    const target = records(bytes)[1234];
    const [tag] = tagsOf(bytes, target);
    bytes[target.offset + 12 + Math.floor(target.length / 2)] ^= 0x10;
    const dir = runDir();
    writeFileSync(join(dir, FILE_NAME), bytes);
    const run = await readTensorBoardRun(dir, '.');
    assert.equal(run.warnings.length, 1);
    assert.equal(run.warnings[0].offset, target.offset);
    assert.match(run.warnings[0].message, /bad data checksum/);
    assert.match(run.warnings[0].file, /tfevents/);
    const want = counts(await readAll(LIGHTNING));
    want[tag] -= 1;
    assert.deepEqual(counts(run.metrics), want);
  });

  it('resynchronises after a header whose length has a flipped bit', async () => {
    const bytes = Buffer.from(readFileSync(LIGHTNING));
    const all = records(bytes);
    const target = all[777];
    const [tag] = tagsOf(bytes, target);
    bytes[target.offset + 1] ^= 0x01;
    const dir = runDir();
    writeFileSync(join(dir, FILE_NAME), bytes);
    const run = await readTensorBoardRun(dir, '.');
    assert.deepEqual(
      run.warnings.map((w) => [w.offset, /bad length checksum/.test(w.message) ? 'bad' : w.message]),
      [
        [target.offset, 'bad'],
        [all[778].offset, `resumed reading at a valid record after skipping ${target.length + 16} bytes`],
      ],
    );
    const want = counts(await readAll(LIGHTNING));
    want[tag] -= 1;
    assert.deepEqual(counts(run.metrics), want);
  });

  it('reports a protobuf cut short inside a record with valid checksums, and reads on', async () => {
    const bytes = readFileSync(SMALL);
    const all = records(bytes);
    const victim = all[3];
    const payload = bytes.subarray(victim.offset + 12, victim.offset + 12 + victim.length);
    const damaged = Buffer.concat([
      bytes.subarray(0, victim.offset),
      frameRecord(payload.subarray(0, payload.length - 3)),
      bytes.subarray(victim.offset + 16 + victim.length),
    ]);
    const dir = runDir();
    writeFileSync(join(dir, FILE_NAME), damaged);
    const run = await readTensorBoardRun(dir, '.');
    assert.equal(run.warnings.length, 1);
    assert.equal(run.warnings[0].offset, victim.offset);
    assert.match(run.warnings[0].message, /malformed event protobuf/);
    assert.equal(run.metrics.get('Loss/train')!.length, 23);
  });

  it('returns every complete record of a truncated file, without a warning', async () => {
    const bytes = readFileSync(LIGHTNING);
    const all = records(bytes);
    const cut = all[9000].offset + 12 + 5; // inside record 9000's payload
    const dir = runDir();
    writeFileSync(join(dir, FILE_NAME), bytes.subarray(0, cut));
    const run = await readTensorBoardRun(dir, '.');
    assert.deepEqual(run.warnings, []);
    assert.equal(run.pendingBytes, 17);
    const total = [...run.metrics.values()].reduce((n, p) => n + p.length, 0);
    assert.equal(
      total,
      all.slice(0, 9000).reduce((n, r) => n + tagsOf(bytes, r).length, 0),
    );
  });

  it('survives any single flipped bit: at most one record lost, always a warning, never a throw', async () => {
    const bytes = readFileSync(SMALL);
    const intact = [...(await readAll(SMALL)).values()].reduce((n, p) => n + p.length, 0);
    const dir = runDir();
    const file = join(dir, FILE_NAME);
    for (let bit = 0; bit < bytes.length * 8; bit += 7) {
      const damaged = Buffer.from(bytes);
      damaged[bit >> 3] ^= 1 << (bit & 7);
      writeFileSync(file, damaged);
      const run = await readTensorBoardRun(dir, '.');
      const total = [...run.metrics.values()].reduce((n, p) => n + p.length, 0);
      assert.ok(run.warnings.length >= 1, `bit ${bit}: warned`);
      assert.ok(total >= intact - 1 && total <= intact, `bit ${bit}: ${total} of ${intact} points`);
    }
  });
});
