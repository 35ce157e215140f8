/**
 * Quoted field names (`"loss:min":max`, shared/fieldNaming.ts) from hostile or broken input: names that
 * are object keys (`__proto__`, `constructor`), shell and markup text, unclosed quotes, lone escapes and a
 * 1 MB name. Each is a field of its own or a clear error naming where it came from: never another field,
 * a crash or a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserInputError } from '../../src/core/base/errors';
import { parseFieldName, type FieldCatalog } from '../../src/core/compare/fieldNames';
import { fieldId } from '../../src/core/compare/fields';

const HOSTILE = [
  '__proto__',
  'constructor',
  'toString',
  '$(rm -rf ~)',
  '<img src=x onerror=alert(1)>',
  'a"b',
  'a\\b',
  'loss:min',
  ' x ',
  '',
];
const catalog: FieldCatalog = { params: new Set(HOSTILE), metrics: new Set(HOSTILE) };

describe('quoted field names from hostile input', () => {
  it('reads every hostile metric and param back from its id, with and without an aggregate', () => {
    for (const name of HOSTILE) {
      for (const field of [
        { kind: 'metric', name, aggregate: 'last' },
        { kind: 'metric', name, aggregate: 'max' },
        { kind: 'metric', name, aggregate: { step: 3 } },
        { kind: 'param', name },
      ] as const) {
        const id = fieldId(field);
        const back = parseFieldName(id, catalog, '--columns');
        assert.equal(fieldId(back), id, `${JSON.stringify(name)} as ${id}`);
        assert.equal(back.kind, field.kind);
        assert.equal((back as { name: string }).name, name);
      }
    }
  });

  it('refuses broken quoting with an error naming the option, not a stack', () => {
    for (const text of [
      '"loss',
      "'loss:min",
      '"loss\\"',
      '"loss" desc',
      '"loss"x',
      '"loss":minimum',
      '"loss":@',
      '"loss":@99999999999999999999',
    ]) {
      assert.throws(
        () => parseFieldName(text, catalog, '--sort'),
        (error: unknown) => error instanceof UserInputError && error.message.startsWith('--sort'),
        text,
      );
    }
  });

  it('refuses a 1 MB quoted name no run has with the error, without a suggestion search over it', () => {
    const long = 'x'.repeat(1 << 20);
    assert.throws(
      () => parseFieldName(`"${long}":max`, catalog, '--columns'),
      (error: unknown) =>
        error instanceof UserInputError && error.message.startsWith('--columns: no run has'),
    );
  });
});
