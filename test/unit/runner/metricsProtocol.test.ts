import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonlMetricsParser, parseMetricLine } from '../../../src/core/metrics/jsonl';
import { StdoutPattern, compileStdoutPattern } from '../../../src/core/metrics/stdout/stdoutPattern';

describe('metrics protocol (JSONL)', () => {
  it('parses lines split across chunks anywhere, even inside a UTF-8 character', () => {
    const text =
      '{"step": 0, "values": {"loss": 1.5}}\n' +
      '{"step": 1, "time": 1764000000123, "values": {"val/accuracy": 0.88, "λ": 0.1}}\n' +
      '{"step": 2, "values": {"loss": 0.5}}';
    const bytes = Buffer.from(text);
    for (const size of [1, 3, 7, bytes.length]) {
      const parser = new JsonlMetricsParser('m.jsonl');
      const lines = [];
      for (let i = 0; i < bytes.length; i += size) {
        const r = parser.push(bytes.subarray(i, i + size));
        assert.deepEqual(r.warnings, []);
        lines.push(...r.lines);
      }
      assert.equal(lines.length, 2, 'the last line waits for its newline');
      lines.push(...parser.end().lines);
      // structuredClone: `values` has no prototype (names from data are ordinary keys), the literals do.
      assert.deepEqual(structuredClone(lines), [
        { step: 0, values: { loss: 1.5 }, line: 1 },
        { step: 1, time: 1764000000123, values: { 'val/accuracy': 0.88, λ: 0.1 }, line: 2 },
        { step: 2, values: { loss: 0.5 }, line: 3 },
      ]);
    }
  });

  it('reports bad lines with their line number and keeps the others', () => {
    const parser = new JsonlMetricsParser('metrics.jsonl');
    const r = parser.push(
      [
        '{"step": 0, "values": {"loss": 1}}',
        '',
        '{"step": 1, "values": {"loss": NaN}}',
        '{"step": 1, "values": {"loss": Infinity}}',
        '{"step": -1, "values": {"loss": 1}}',
        '{"step": 1.5, "values": {"loss": 1}}',
        '{"step": 2, "values": {"loss": "0.3"}}',
        '{"step": 2, "values": {"loss": null}}',
        '{"step": 2, "loss": 0.3}',
        '[1, 2]',
        '{"step": 2, "values": {"loss": 0.25}}',
        '{"step": 3, "values": {"loss": 1e999}}',
        '{"step": 3, "values": {"acc": 0.5, "loss": -1e999}}',
        '{"step": 1e999, "values": {"loss": 1}}',
        '{"step": 3, "values": {"loss": -Infinity}}',
        '{"step": 3, "values": {"loss": 0.2}}',
        '{"step": NaN, "values": {"loss": 1}}',
        '{"step": 4, "values": {"note": "NaN", "loss": NaNx}}',
        '',
      ].join('\n'),
    );
    // Lines whose values are all non-finite still come through (with nothing in `values`), so the
    // non-finite values can be counted; protocol errors skip the line.
    assert.deepEqual(structuredClone(r.lines.map((l) => [l.line, l.step, l.values, l.nonFinite])), [
      [1, 0, { loss: 1 }, undefined],
      [3, 1, {}, { loss: 'NaN' }],
      [4, 1, {}, { loss: 'Infinity' }],
      [8, 2, {}, { loss: 'null' }],
      [11, 2, { loss: 0.25 }, undefined],
      [12, 3, {}, { loss: 'Infinity (out of the range of a double, e.g. 1e999)' }],
      [13, 3, { acc: 0.5 }, { loss: '-Infinity (out of the range of a double, e.g. 1e999)' }],
      [15, 3, {}, { loss: '-Infinity' }],
      [16, 3, { loss: 0.2 }, undefined],
    ]);
    assert.deepEqual(
      r.warnings.map((w) => [w.file, w.line]),
      [3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 17, 18].map((n) => ['metrics.jsonl', n]),
    );
    const message = (line: number) => r.warnings.find((w) => w.line === line)?.message ?? '';
    assert.match(message(3), /^non-finite value NaN of "loss" left out .*the line's other values are kept/);
    assert.match(message(4), /^non-finite value Infinity of "loss"/);
    assert.match(message(5), /"step" must be an integer >= 0/);
    assert.match(message(7), /value of "loss" must be a finite number, got "0.3"/);
    assert.match(message(8), /^non-finite value null of "loss"/);
    assert.match(message(9), /missing "values" object/);
    // 1e999 is valid JSON but overflows to Infinity: named as such, not as "null".
    assert.match(
      message(12),
      /^non-finite value Infinity \(out of the range of a double, e\.g\. 1e999\) of "loss"/,
    );
    assert.match(message(13), /^non-finite value -Infinity .* of "loss"/);
    assert.match(message(14), /"step" must be an integer >= 0, got Infinity \(out of the range/);
    assert.match(message(15), /^non-finite value -Infinity of "loss"/);
    assert.match(message(17), /"step" must be an integer >= 0, got NaN;/);
    assert.match(message(18), /^not valid JSON/);
  });

  it('keeps the finite values of a line with one NaN (as Python json.dumps writes it), warning per name', () => {
    const parser = new JsonlMetricsParser('m.jsonl');
    const r = parser.push(
      '{"step": 9, "values": {"loss": NaN, "lr": 0.001, "acc": 0.4, "grad": -Infinity}}\n',
    );
    assert.deepEqual(structuredClone(r.lines), [
      { step: 9, values: { lr: 0.001, acc: 0.4 }, nonFinite: { loss: 'NaN', grad: '-Infinity' }, line: 1 },
    ]);
    assert.deepEqual(
      r.warnings.map((w) => [w.line, w.message.slice(0, 36)]),
      [
        [1, 'non-finite value NaN of "loss" left '],
        [1, 'non-finite value -Infinity of "grad"'],
      ],
    );
  });

  it('numbers lines without a step by the non-blank lines before them, bad lines included', () => {
    assert.deepEqual(structuredClone(parseMetricLine('{"values": {"a": 1}}', 4)), {
      step: 4,
      values: { a: 1 },
    });
    const parser = new JsonlMetricsParser('m.jsonl');
    const r = parser.push(
      ['{"values": {"a": 1}}', '{"values": {"a": 2', '', '{"values": {"a": 3}}', ''].join('\n'),
    );
    // The damaged second line keeps its step: the third value is step 2, as its writer meant.
    assert.deepEqual(
      r.lines.map((l) => [l.line, l.step, l.values.a]),
      [
        [1, 0, 1],
        [4, 2, 3],
      ],
    );
  });
});

describe('stdout pattern', () => {
  it('yields every match on a line, with a step group or a per-metric counter', () => {
    const withStep = new StdoutPattern('epoch (?<step>\\d+): (?<name>\\w+)=(?<value>[-+.\\deE]+)');
    assert.deepEqual(withStep.match('epoch 7: loss=0.25'), [{ name: 'loss', value: 0.25, step: 7 }]);
    const counter = new StdoutPattern('(?<name>loss|acc)=(?<value>[-+.\\deE]+)');
    assert.deepEqual(counter.match('loss=1e-3 acc=0.5 other=3'), [
      { name: 'loss', value: 0.001, step: 0 },
      { name: 'acc', value: 0.5, step: 0 },
    ]);
    assert.deepEqual(counter.match('loss=0.5'), [{ name: 'loss', value: 0.5, step: 1 }]);
    assert.deepEqual(counter.match('loss=nan acc=.'), []);
  });

  it('explains a pattern without the named groups or with bad syntax', () => {
    assert.throws(
      () => compileStdoutPattern('loss=(\\d+)'),
      /needs the named groups \(\?<name>\.\.\.\) and \(\?<value>\.\.\.\)/,
    );
    assert.throws(() => compileStdoutPattern('(?<name>a'), /not a valid regular expression/);
  });
});
