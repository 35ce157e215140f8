/**
 * The stars and notes of imported runs (`.xlens/imported-annotations.json`) when the file is hostile or
 * broken: keys named like Object.prototype members stay data, a FIFO or a folder in its place is refused
 * without waiting, bad JSON and bad entries name the file and the fix, and a write keeps every other
 * run's entry.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../src/core/base/errors';
import {
  IMPORTED_ANNOTATIONS_FILE,
  readImportedAnnotations,
  writeImportedAnnotation,
} from '../../src/core/runs/importedAnnotations';
import { tempDir } from '../helpers/gitRepo';

function storeWith(text?: string): { dir: string; file: string } {
  const dir = join(tempDir('xlens-imported-annotations-'), '.xlens');
  mkdirSync(dir);
  const file = join(dir, IMPORTED_ANNOTATIONS_FILE);
  if (text !== undefined) {
    writeFileSync(file, text);
  }
  return { dir, file };
}

describe('imported runs’ annotations file, hostile or broken', () => {
  it('keeps keys named __proto__ and constructor as data, through a read and a write', async () => {
    const { dir, file } = storeWith(
      '{"__proto__": {"starred": true}, "constructor": {"note": "<b>x</b>"}, "tensorboard:a#a": {}}',
    );
    const read = await readImportedAnnotations(dir);
    assert.deepEqual(Object.keys(read).sort(), ['__proto__', 'constructor', 'tensorboard:a#a']);
    assert.deepEqual({ ...Object.getOwnPropertyDescriptor(read, '__proto__')?.value }, { starred: true });
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    await writeImportedAnnotation(dir, 'wandb:run-1#1', { note: '$(touch pwned)' });
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.ok(Object.hasOwn(written, '__proto__'), 'the __proto__ entry is kept');
    assert.deepEqual(written['constructor'], { note: '<b>x</b>' });
    assert.deepEqual(written['wandb:run-1#1'], { note: '$(touch pwned)' });
    assert.deepEqual(written['tensorboard:a#a'], {}, 'other entries are kept as they were');
    await writeImportedAnnotation(dir, 'wandb:run-1#1', { note: '' });
    const cleared = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(Object.hasOwn(cleared, 'wandb:run-1#1'), false, 'a run with neither star nor note leaves');
    assert.ok(Object.hasOwn(cleared, '__proto__'));
  });

  it('refuses a FIFO or a folder in place of the file without waiting, naming it', async () => {
    const fifo = storeWith();
    execFileSync('mkfifo', [fifo.file]);
    await assert.rejects(readImportedAnnotations(fifo.dir), (error: unknown) => {
      assert.ok(error instanceof UserInputError);
      assert.match(error.message, /imported-annotations\.json.*not a regular file/);
      return true;
    });
    const folder = storeWith();
    mkdirSync(folder.file);
    await assert.rejects(readImportedAnnotations(folder.dir), /imported-annotations\.json.*folder/);
  });

  it('names the file and the fix for bad JSON, a non-object and a bad entry; a write changes nothing then', async () => {
    for (const [text, message] of [
      ['{"a": ', /not valid JSON.*fix or delete it/],
      ['[1, 2]', /write an object keyed by imported run/],
      ['{"k": {"starred": "yes"}}', /the entry "k" must be an object like/],
      ['{"k": null}', /the entry "k" must be an object like/],
    ] as const) {
      const { dir, file } = storeWith(text);
      await assert.rejects(readImportedAnnotations(dir), (error: unknown) => {
        assert.ok(error instanceof UserInputError);
        assert.match(error.message, message);
        assert.ok(error.message.includes(file), error.message);
        return true;
      });
      await assert.rejects(writeImportedAnnotation(dir, 'k', { starred: true }), UserInputError);
      assert.equal(readFileSync(file, 'utf8'), text, 'what was there is not lost');
    }
  });
});
