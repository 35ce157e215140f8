/**
 * CRC32C implementations: the JavaScript fallback against the published check values and against
 * the native addon, and the whole reader with the fallback forced (`XLENS_CRC32C=js`, as when the
 * addon has no binary for the platform) in a child process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { crc32c, crc32cImplementation, crc32cJs } from '../../../../src/core/metrics/tensorboard/crc32c';
import { EventFileWriter, scalarEvent } from '../../../../src/core/metrics/tensorboard/eventWriter';

const work = mkdtempSync(join(tmpdir(), 'xlens-tb-crc-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('CRC32C', () => {
  it('JavaScript fallback gives the published check values (RFC 3720 B.4 and "123456789")', () => {
    assert.equal(crc32cJs(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32cJs(Buffer.alloc(0)), 0);
    assert.equal(crc32cJs(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32cJs(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32cJs(ascending), 0x46dd794e);
    assert.equal(crc32cJs(Buffer.from(ascending).reverse()), 0x113fdb5c);
  });

  it('JavaScript fallback equals the native addon, also when continuing from a CRC', () => {
    assert.equal(crc32cImplementation, 'native', 'the addon loads on this platform');
    assert.equal(crc32c, nativeCrc32c);
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(i % 7 === 0 ? 5000 + i : i);
      const initial = randomBytes(4).readUInt32LE();
      assert.equal(crc32cJs(bytes), nativeCrc32c(bytes), `length ${bytes.length}`);
      assert.equal(crc32cJs(bytes, initial), nativeCrc32c(bytes, initial), `length ${bytes.length}`);
    }
    const whole = randomBytes(1001);
    assert.equal(crc32cJs(whole.subarray(333), crc32cJs(whole.subarray(0, 333))), crc32cJs(whole));
  });

  it('the reader works on the fallback alone: same points, and corruption is still caught', async () => {
    const dir = join(work, 'run');
    mkdirSync(dir);
    const writer = await EventFileWriter.create(dir, { wallTime: 1_700_000_000 });
    for (let step = 0; step < 500; step++) {
      await writer.write(scalarEvent('loss', step, 1 / (step + 1), 1_700_000_000 + step));
      await writer.write(scalarEvent('acc', step, step / 500, 1_700_000_000 + step, 'tensor', step === 0));
    }
    await writer.close();
    const script = join(work, 'read.ts');
    const index = resolve('src/core/metrics/tensorboard/index.ts');
    writeFileSync(
      script,
      `import { readTensorBoardRun, crc32cImplementation } from ${JSON.stringify(index)};
import { readFileSync, writeFileSync } from 'node:fs';
(async () => {
  const dir = process.argv[2];
  if (process.argv[3]) {
    const file = process.argv[3];
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] ^= 1; // inside the payload of the last record
    writeFileSync(file, bytes);
  }
  const run = await readTensorBoardRun(dir, '.');
  const sums = [...run.metrics].map(([tag, points]) => [tag, points.length, points.reduce((s, p) => s + p.value, 0)]);
  console.log(JSON.stringify({ implementation: crc32cImplementation, sums, warnings: run.warnings.map((w) => [w.offset, w.message]) }));
})();
`,
    );
    const tsx = createRequire(resolve('package.json')).resolve('tsx');
    const run = (
      env: Record<string, string>,
      corrupt?: string,
    ): { implementation: string; sums: unknown; warnings: [number, string][] } => {
      const result = spawnSync(
        process.execPath,
        ['--import', tsx, script, dir, ...(corrupt ? [corrupt] : [])],
        {
          encoding: 'utf8',
          env: { ...process.env, ...env },
        },
      );
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ReturnType<typeof run>;
    };
    const native = run({ XLENS_CRC32C: '' });
    const fallback = run({ XLENS_CRC32C: 'js' });
    assert.equal(native.implementation, 'native');
    assert.equal(fallback.implementation, 'js');
    assert.deepEqual(fallback.sums, native.sums);
    assert.equal((native.sums as unknown[]).length, 2);
    assert.deepEqual(fallback.warnings, []);
    const damaged = run({ XLENS_CRC32C: 'js' }, writer.path);
    assert.equal(damaged.warnings.length, 1);
    assert.match(damaged.warnings[0][1], /bad data checksum/);
  });
});
