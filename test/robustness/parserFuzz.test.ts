/**
 * Property tests of two parsers of outside input, on random and mutated real inputs: the config loader
 * (`xlens.yaml` and its params files) and the metrics protocol line parser. Each returns within a
 * time bound and fails only in the ways it documents: the loader returns its problems as
 * `UserInputError`s (never throws), the line parser returns a point, a message or nothing (never
 * throws). Inputs come from a seeded generator, so a failure names the seed and case that reproduce
 * it (issue "Nothing lost, nothing escapes", fuzzing).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserInputError } from '../../src/core/base/errors';
import { decodeUtf8 } from '../../src/core/base/utf8';
import { parseProject } from '../../src/core/config/load';
import { JsonlMetricsParser, parseMetricLine } from '../../src/core/metrics/jsonl';
import { repoRoot } from '../helpers/xlensProcess';

/** A small seeded generator (xorshift32): the same seed gives the same cases. */
class Random {
  constructor(private state: number) {
    this.state = state >>> 0 || 1;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    this.state ^= this.state << 13;
    this.state >>>= 0;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    this.state >>>= 0;
    return this.state % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Fragments that matter to YAML, to placeholders and to the schema. */
const CONFIG_TOKENS = [
  ':',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '|\n',
  '>-\n',
  '\t',
  '\n',
  '\n  ',
  '\n    ',
  '\\',
  '\\0',
  '\0',
  '\u0085',
  '\ufeff',
  '---\n',
  '...\n',
  '? ',
  '%YAML 1.2\n',
  '${params.',
  '${params.x}',
  '${runs.train.latest}',
  '$(',
  '`',
  'run: ',
  'params: ',
  'timeout: 25d',
  'timeout: 1e308',
  'timeout: -1',
  'data: ',
  'kind: ',
  'tfjs-train',
  'drift',
  'metrics: [{stdout: "(?<value>"}]',
  'metrics: [{stdout: "(a+)+$"}]',
  'env: {A: 1}',
  'cwd: ..',
  'checks: ',
  'checks: [auc >= 0.9, "loss <= baseline * 1.1"]',
  '- max(val_loss) < ',
  'baseline',
  'baseline: latest:train@main',
  'baseline: latest:',
  '>= ',
  '__proto__',
  'constructor',
  '12345678901234567890',
  '1e999',
  '.nan',
  '~',
  'null',
  'true',
  '0x1F',
  '😀',
];

const EXTRA_CONFIG = `version: 1
defaults: &defaults
  timeout: 2h
  env: { PYTHONHASHSEED: '0' }
tasks:
  train:
    <<: *defaults
    run: python train.py --epochs \${params.epochs} --lr "\${params.optimizer.lr}" > out.txt
    params: { epochs: 10, optimizer: { lr: 0.01, name: adam }, layers: [64, 32] }
    data: [data/]
    metrics:
      - stdout: 'loss=(?<value>[-+.\\deE]+)'
      - tensorboard: runs/
    outputs: [models/]
  eval:
    run: |
      python eval.py --model \${runs.train.latest}/artifacts/model
      echo done
    cwd: .
`;

function configSeeds(): string[] {
  return [
    readFileSync(join(repoRoot, 'examples/penguins/xlens.yaml'), 'utf8'),
    readFileSync(join(repoRoot, 'examples/weather-drift/xlens.yaml'), 'utf8'),
    EXTRA_CONFIG,
  ];
}

/** One random edit of `text`: insert a token, delete or duplicate a stretch, or swap two lines. */
function mutate(text: string, random: Random): string {
  const at = random.int(text.length + 1);
  switch (random.int(5)) {
    case 0:
    case 1:
      return text.slice(0, at) + random.pick(CONFIG_TOKENS) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + random.int(20));
    case 3: {
      const end = Math.min(text.length, at + 1 + random.int(80));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    default: {
      const lines = text.split('\n');
      const i = random.int(lines.length);
      const j = random.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
  }
}

/** Random text from the token list alone. */
function randomConfig(random: Random): string {
  let text = '';
  const parts = 1 + random.int(40);
  for (let i = 0; i < parts; i++) {
    text += random.pick(CONFIG_TOKENS) + random.pick(['', ' ', 'x', 'train', '1', '\n  ']);
  }
  return text;
}

/** Runs `check`, failing with the case when it throws or takes longer than `ms`. */
function withinBound(ms: number, what: () => string, check: () => void): void {
  const started = performance.now();
  try {
    check();
  } catch (error) {
    assert.fail(`threw ${(error as Error).stack ?? String(error)}\nfor ${what()}`);
  }
  const took = performance.now() - started;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (bound ${ms} ms) for ${what()}`);
}

describe('parsers of outside input, on random and mutated inputs', () => {
  it('the config loader returns problems as UserInputErrors, never throws and never hangs', () => {
    const seeds = configSeeds();
    // The examples' folder: params files and inputs resolve against it, as for the real files.
    const file = join(repoRoot, 'examples/penguins/xlens.yaml');
    for (let seed = 1; seed <= 600; seed++) {
      const random = new Random(seed);
      let text = seed % 5 === 0 ? randomConfig(random) : random.pick(seeds);
      const edits = seed % 5 === 0 ? 0 : 1 + random.int(6);
      for (let i = 0; i < edits; i++) {
        text = mutate(text, random);
      }
      withinBound(
        2000,
        () => `seed ${seed}: ${JSON.stringify(text)}`,
        () => {
          const result = parseProject(file, text);
          for (const error of result.errors) {
            assert.ok(error instanceof UserInputError, `a problem is a UserInputError: ${String(error)}`);
            assert.match(error.message, /xlens\.yaml/);
          }
        },
      );
    }
  });

  it('strict UTF-8 decoding accepts UTF-8 and refuses anything else only as a UserInputError', () => {
    const text = Buffer.from(EXTRA_CONFIG + 'λ 学习率 😀\n');
    for (let seed = 1; seed <= 2000; seed++) {
      const random = new Random(seed);
      const bytes = Buffer.from(text);
      for (let i = 0; i < 1 + random.int(3); i++) {
        bytes[random.int(bytes.length)] = random.int(256);
      }
      let decoded: string | undefined;
      try {
        decoded = decodeUtf8(bytes, 'xlens.yaml');
      } catch (error) {
        assert.ok(error instanceof UserInputError, `seed ${seed}: ${String(error)}`);
        assert.match(
          error.message,
          /^xlens\.yaml:\d+:\d+: the file is not UTF-8: byte 0x[0-9a-f]{2} at byte offset \d+/,
        );
        // The offset named is where a strict decoder of the prefix stops: the bytes before it are UTF-8.
        const offset = Number(/byte offset (\d+)/.exec(error.message)![1]);
        assert.doesNotThrow(() =>
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, offset)),
        );
        continue;
      }
      assert.equal(Buffer.from(decoded).equals(bytes), true, `seed ${seed}: decoding is exact`);
    }
  });

  const METRIC_LINES = [
    '{"step": 12, "time": 1764000000123, "values": {"loss": 0.31, "val/accuracy": 0.88}}',
    '{"step": 0, "values": {"loss": NaN, "acc": Infinity, "x": -Infinity}}',
    '{"values": {"__proto__": 1, "constructor": 2, "λ": 0.1}}',
    '{"step": 9007199254740991, "values": {"loss": 1e-300}}',
    '{"step":3,"time":1764000000000.5,"values":{"a":1,"b":null}}',
  ];
  const METRIC_TOKENS = [
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '\\',
    '\\u0000',
    'NaN',
    '-Infinity',
    'null',
    'true',
    '1e999',
    '-0',
    '9007199254740993',
    '"step"',
    '"time"',
    '"values"',
    '1764000000',
    ' ',
    '\u2028',
    '\0',
    '😀',
  ];

  it('the metrics line parser returns a point, a message or nothing, and never throws', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const random = new Random(seed);
      let line = random.pick(METRIC_LINES);
      for (let i = 0; i < 1 + random.int(5); i++) {
        const at = random.int(line.length + 1);
        line =
          random.int(3) === 0
            ? line.slice(0, at) + line.slice(at + 1 + random.int(8))
            : line.slice(0, at) + random.pick(METRIC_TOKENS) + line.slice(at);
      }
      withinBound(
        200,
        () => `seed ${seed}: ${JSON.stringify(line)}`,
        () => {
          const result = parseMetricLine(line, seed);
          if (typeof result === 'object') {
            assert.ok(Number.isSafeInteger(result.step) && result.step >= 0, 'a safe step');
            for (const value of Object.values(result.values)) {
              assert.ok(Number.isFinite(value), 'finite values');
            }
          } else if (typeof result === 'string') {
            assert.match(result, /line skipped$/);
          }
        },
      );
    }
  });

  it('the incremental parser gives the same points whatever the chunking', () => {
    const random = new Random(7);
    const text = `${Array.from({ length: 200 }, () => random.pick(METRIC_LINES)).join('\n')}\n`;
    const whole = new JsonlMetricsParser('m.jsonl').push(text);
    for (let seed = 1; seed <= 50; seed++) {
      const chunks = new Random(seed);
      const parser = new JsonlMetricsParser('m.jsonl');
      const bytes = Buffer.from(text);
      const lines = [];
      const warnings = [];
      for (let i = 0; i < bytes.length;) {
        const n = 1 + chunks.int(300);
        const r = parser.push(bytes.subarray(i, i + n));
        lines.push(...r.lines);
        warnings.push(...r.warnings);
        i += n;
      }
      assert.deepEqual(lines, whole.lines, `seed ${seed}`);
      assert.deepEqual(warnings, whole.warnings, `seed ${seed}`);
    }
  });
});
