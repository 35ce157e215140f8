import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { writeJson, writeJsonFile } from '../../../src/core/base/jsonOutput';
import { tempDir } from '../../helpers/gitRepo';

/** Values as reports hold them: JSON values, plus optional fields left undefined and non-finite numbers. */
const reportLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
}));

/** A sink with a tiny buffer, so that writes see back-pressure and must wait for `drain`. */
function slowSink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  return { stream, text: () => parts.join('') };
}

describe('streamed JSON output', () => {
  it('writes a file byte for byte as JSON.stringify(value, null, 2) and a newline', async () => {
    const dir = tempDir('xlens-json-');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.dictionary(fc.string(), reportLike.value), fc.array(reportLike.value)),
        async (value) => {
          const path = join(dir, `${n++}.json`);
          await writeJsonFile(path, value);
          assert.equal(readFileSync(path, 'utf8'), `${JSON.stringify(value, null, 2)}\n`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('writes to an open stream with back-pressure and leaves it open', async () => {
    const columns = Array.from({ length: 2000 }, (_, i) => ({
      name: `col_${i}`,
      psi: i / 7,
      drifted: i % 3 === 0,
    }));
    const report = { schema: 1, columns, skipped: [] };
    const sink = slowSink();
    await writeJson(sink.stream, report);
    assert.equal(sink.stream.writableEnded, false);
    assert.equal(sink.text(), `${JSON.stringify(report, null, 2)}\n`);
  });

  it('rejects with the file system error for a folder that does not exist', async () => {
    const dir = tempDir('xlens-json-');
    await assert.rejects(writeJsonFile(join(dir, 'missing', 'a.json'), { a: 1 }), /ENOENT/);
  });
});
