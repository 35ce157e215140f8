/**
 * Incremental text reading (FileTail, under every text reader): only bytes appended since the last
 * read are read, a partial last line waits, and a rewritten file is detected and read again.
 */
import assert from 'node:assert/strict';
import { appendFileSync, openSync, renameSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileTail } from '../../../src/core/base/fileTail';
import { tempDir } from '../../helpers/gitRepo';

const rows = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `${from + i},${(1 / (from + i + 1)).toFixed(6)}\n`).join('');

describe('FileTail', () => {
  it('reads only the bytes appended since the previous read', async () => {
    const file = join(tempDir('xlens-tail-'), 'log.csv');
    writeFileSync(file, `epoch,loss\n${rows(0, 50)}`);
    const tail = new FileTail(file);
    const first = await tail.read();
    assert.equal(first.lines.length, 51);
    const consumed = tail.position;
    // Damage bytes already read, past the head the tail compares: a reader that re-read them would see it.
    const fd = openSync(file, 'r+');
    writeSync(fd, 'XXXX', consumed - 40);
    closeSync(fd);
    appendFileSync(file, rows(50, 52));
    const second = await tail.read();
    assert.equal(second.reset, false);
    assert.deepEqual(
      second.lines.map((l) => [l.line, l.text]),
      [
        [52, '50,0.019608'],
        [53, '51,0.019231'],
      ],
    );
    assert.equal(tail.position, consumed + Buffer.byteLength(rows(50, 52)));
  });

  it('leaves a partial last line for the next read and strips CR of CRLF lines', async () => {
    const file = join(tempDir('xlens-tail-'), 'log.csv');
    writeFileSync(file, 'a\r\nb\r\nc');
    const tail = new FileTail(file);
    assert.deepEqual(
      (await tail.read()).lines.map((l) => l.text),
      ['a', 'b'],
    );
    assert.deepEqual((await tail.read()).lines, [], 'nothing complete yet');
    appendFileSync(file, 'd\r\n');
    assert.deepEqual(
      (await tail.read()).lines.map((l) => [l.line, l.text]),
      [[3, 'cd']],
    );
  });

  it('starts over, saying so, when the file is truncated, replaced or rewritten in place', async () => {
    const dir = tempDir('xlens-tail-');
    const file = join(dir, 'log.csv');
    writeFileSync(file, 'epoch,loss\n0,1\n1,0.5\n');
    const tail = new FileTail(file);
    await tail.read();

    writeFileSync(file, 'epoch,loss\n0,9\n');
    const truncated = await tail.read();
    assert.equal(truncated.reset, true);
    assert.deepEqual(
      truncated.lines.map((l) => l.text),
      ['epoch,loss', '0,9'],
    );

    writeFileSync(join(dir, 'next.csv'), 'epoch,acc\n0,0.1\n1,0.2\n2,0.3\n');
    renameSync(join(dir, 'next.csv'), file);
    const replaced = await tail.read();
    assert.equal(replaced.reset, true);
    assert.equal(replaced.lines[0].text, 'epoch,acc');

    const fd = openSync(file, 'r+');
    writeSync(fd, 'epoch,ACC', 0); // same size, new header: rewritten in place
    closeSync(fd);
    appendFileSync(file, '3,0.4\n');
    const rewritten = await tail.read();
    assert.equal(rewritten.reset, true);
    assert.equal(rewritten.lines.length, 5);

    rmSync(file);
    const missing = await tail.read();
    assert.deepEqual([missing.missing, missing.reset, missing.lines.length], [true, true, 0]);
  });

  it('returns a last line without newline when flushed, once', async () => {
    const file = join(tempDir('xlens-tail-'), 'output.log');
    writeFileSync(file, 'epoch 1\nDone without newline');
    const tail = new FileTail(file);
    assert.deepEqual(
      (await tail.read()).lines.map((l) => l.text),
      ['epoch 1'],
    );
    assert.deepEqual(
      (await tail.read({ flush: true })).lines.map((l) => [l.line, l.text]),
      [[2, 'Done without newline']],
    );
    assert.deepEqual((await tail.read({ flush: true })).lines, [], 'consumed');
    appendFileSync(file, '\nnext\n');
    assert.deepEqual(
      (await tail.read()).lines.map((l) => l.text),
      ['', 'next'],
    );
  });

  it('reads only the last maxBacklogBytes of a large file the first time, from a line boundary', async () => {
    const file = join(tempDir('xlens-tail-'), 'output.log');
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tail = new FileTail(file, { maxBacklogBytes: 100 });
    const first = await tail.read();
    assert.ok(first.skippedBytes > 0);
    assert.ok(first.lines.length > 0 && first.lines.length <= 100 / 'line 999'.length + 1);
    assert.equal(first.lines.at(-1)?.text, 'line 999');
    assert.ok(
      first.lines.every((l) => /^line \d+$/.test(l.text)),
      'no line cut in the middle',
    );
    appendFileSync(file, `${'x'.repeat(500)}\n`);
    const second = await tail.read();
    assert.equal(second.skippedBytes, 0, 'later appends are read whole');
    assert.equal(second.lines[0].text.length, 500);
  });

  it('gives a sink the same lines in pieces, numbering each piece by its first line, as it reads', async () => {
    const dir = tempDir('xlens-tail-');
    const file = join(dir, 'metrics.jsonl');
    // More than one read buffer (1 MiB) of CRLF lines, the last one partial.
    const big = Array.from(
      { length: 60_000 },
      (_, i) => `{"step":${i},"values":{"loss":${1 / (i + 1)}}}\r\n`,
    ).join('');
    writeFileSync(file, `${big}{"step":`);
    const plain = new FileTail(file);
    const sunk = new FileTail(file);
    const pieces: [string, number][] = [];
    const sink = (text: string, firstLine: number): void => {
      pieces.push([text, firstLine]);
    };
    const linesOf = (all: [string, number][]): [number, string][] =>
      all.flatMap(([text, first]) =>
        text.split('\n').map((t, k): [number, string] => [first + k, t.replace(/\r$/, '')]),
      );
    const expected = (await plain.read()).lines.map((l): [number, string] => [l.line, l.text]);
    const read = await sunk.read({ sink });
    assert.deepEqual(read.lines, [], 'no lines kept when a sink takes them');
    assert.ok(pieces.length > 1, `${pieces.length} pieces`);
    assert.deepEqual(linesOf(pieces), expected);
    assert.equal(sunk.position, plain.position);
    assert.equal(sunk.lines, 60_000);
    // The partial line completes; then the file is replaced: the sink starts again at line 1.
    appendFileSync(file, '1}\n');
    pieces.length = 0;
    await sunk.read({ sink });
    assert.deepEqual(pieces, [['{"step":1}', 60_001]]);
    writeFileSync(join(dir, 'new'), 'a\nb\r\nc');
    renameSync(join(dir, 'new'), file);
    pieces.length = 0;
    assert.equal((await sunk.read({ sink, flush: true })).reset, true);
    assert.deepEqual(pieces, [
      ['a\nb\r', 1],
      ['c', 3],
    ]);
  });
});
