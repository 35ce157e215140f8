/**
 * Property tests (fast-check) of the parsers of outside input that read text: the config loader
 * (`xlens.yaml` and its params files), the strict UTF-8 decoding in front of it, and the metrics protocol
 * line parser with its incremental (chunked) form. On random and mutated real inputs each returns within
 * a time bound and fails only in the ways it documents: the loader returns its problems as
 * `UserInputError`s (never throws), the decoder throws only a `UserInputError` naming the byte, the line
 * parser returns a point, a message or nothing (never throws). fast-check shrinks a failure to a small
 * case and prints the seed that replays it (issue "Nothing lost, nothing escapes", fuzzing). The readers
 * of other tools' files and of data files are in `fuzzReaders.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UserInputError } from '../../src/core/base/errors';
import { decodeUtf8 } from '../../src/core/base/utf8';
import { loadProject, parseProject } from '../../src/core/config/load';
import { JsonlMetricsParser, parseMetricLine } from '../../src/core/metrics/jsonl';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { repoRoot } from '../helpers/xlensProcess';

/** Cases per property (`XLENS_FUZZ_RUNS` scales them, as in `fuzzReaders.test.ts`). */
const SCALE = Number(process.env.XLENS_FUZZ_RUNS ?? 200) / 200;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

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

/** One edit of a text: insert a token, delete or repeat a stretch, or swap two lines. */
type Edit =
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number }
  | { kind: 'swap'; i: number; j: number };

function edit(tokens: readonly string[], maxDelete: number): fc.Arbitrary<Edit> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        token: fc.constantFrom(...tokens),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: maxDelete }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('repeat' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 80 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }) },
  );
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  for (const e of edits) {
    if (e.kind === 'swap') {
      const lines = text.split('\n');
      const i = e.i % lines.length;
      const j = e.j % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
      text = lines.join('\n');
      continue;
    }
    const at = e.at % (text.length + 1);
    if (e.kind === 'insert') {
      text = text.slice(0, at) + e.token + text.slice(at);
    } else if (e.kind === 'delete') {
      text = text.slice(0, at) + text.slice(at + e.length);
    } else {
      const end = Math.min(text.length, at + e.length);
      text = text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
  }
  return text;
}

/** Real texts with a few edits, or text made of tokens alone. */
function texts(seeds: readonly string[], tokens: readonly string[], maxDelete: number): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...seeds), fc.array(edit(tokens, maxDelete), { minLength: 1, maxLength: 6 }))
        .map(([seed, edits]) => applyEdits(seed, edits)),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.constantFrom(...tokens), fc.constantFrom('', ' ', 'x', 'train', '1', '\n  ')), {
          minLength: 1,
          maxLength: 40,
        })
        .map((parts) => parts.map(([a, b]) => a + b).join('')),
    },
  );
}

/** Runs `check`, failing when it throws or takes longer than `ms`. */
function withinBound(ms: number, check: () => void): void {
  const started = performance.now();
  check();
  const took = performance.now() - started;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (bound ${ms} ms)`);
}

/** Every problem is a UserInputError that names `file`. */
function onlyUserErrors(errors: readonly unknown[], file: RegExp): void {
  for (const error of errors) {
    assert.ok(error instanceof UserInputError, `a problem is a UserInputError: ${String(error)}`);
    assert.match(error.message, file);
  }
}

const PARAMS_SEEDS = [
  'epochs: 10\noptimizer: { lr: 0.01, name: adam }\nlayers: [64, 32]\nseed: &s 42\nagain: *s\n',
  '{"epochs": 10, "optimizer": {"lr": 0.01}, "tags": ["a", "b"], "big": 12345678901234567890}\n',
];

describe('parsers of outside input, on random and mutated inputs (fast-check)', () => {
  it('the config loader returns problems as UserInputErrors, never throws and never hangs', () => {
    // The examples' folder: params files and inputs resolve against it, as for the real files.
    const file = join(repoRoot, 'examples/penguins/xlens.yaml');
    fc.assert(
      fc.property(texts(configSeeds(), CONFIG_TOKENS, 20), (text) => {
        withinBound(2000, () => onlyUserErrors(parseProject(file, text).errors, /xlens\.yaml/));
      }),
      { numRuns: runs(600) },
    );
  });

  it('params files (YAML and JSON) given to the loader fail only as UserInputErrors naming them', async () => {
    const root = tempDir('xlens-fuzz-params-');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('params.yaml', 'params.json'),
        texts(PARAMS_SEEDS, CONFIG_TOKENS, 20),
        async (name, text) => {
          writeFiles(root, {
            'xlens.yaml': `version: 1\ntasks:\n  t:\n    run: echo \${params.epochs}\n    params: ${name}\n`,
            [name]: text,
          });
          const started = performance.now();
          const { errors } = await loadProject(root);
          assert.ok(performance.now() - started < 2000, 'within 2 s');
          onlyUserErrors(errors, /xlens\.yaml|params\.(yaml|json)/);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('strict UTF-8 decoding accepts UTF-8 and refuses anything else only as a UserInputError', () => {
    const text = Buffer.from(EXTRA_CONFIG + 'λ 学习率 😀\n');
    const changes = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(changes, (edits) => {
        const bytes = Buffer.from(text);
        for (const [at, value] of edits) {
          bytes[at % bytes.length] = value;
        }
        let decoded: string;
        try {
          decoded = decodeUtf8(bytes, 'xlens.yaml');
        } catch (error) {
          assert.ok(error instanceof UserInputError, String(error));
          assert.match(
            error.message,
            /^xlens\.yaml:\d+:\d+: the file is not UTF-8: byte 0x[0-9a-f]{2} at byte offset \d+/,
          );
          // The offset named is where a strict decoder of the prefix stops: the bytes before it are UTF-8.
          const offset = Number(/byte offset (\d+)/.exec(error.message)![1]);
          assert.doesNotThrow(() =>
            new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, offset)),
          );
          return;
        }
        assert.equal(Buffer.from(decoded).equals(bytes), true, 'decoding is exact');
      }),
      { numRuns: runs(2000) },
    );
  });

  it('the metrics line parser returns a point, a message or nothing, and never throws', () => {
    fc.assert(
      fc.property(texts(METRIC_LINES, METRIC_TOKENS, 8), fc.nat(), (line, lineNumber) => {
        withinBound(200, () => {
          const result = parseMetricLine(line, lineNumber);
          if (typeof result === 'object') {
            assert.ok(Number.isSafeInteger(result.step) && result.step >= 0, 'a safe step');
            for (const value of Object.values(result.values)) {
              assert.ok(Number.isFinite(value), 'finite values');
            }
          } else if (typeof result === 'string') {
            assert.match(result, /line skipped$/);
          }
        });
      }),
      { numRuns: runs(3000) },
    );
  });

  it('the incremental parser gives the same points whatever the chunking', () => {
    const text = `${Array.from({ length: 200 }, (_, i) => METRIC_LINES[(i * 7) % METRIC_LINES.length]).join('\n')}\n`;
    const whole = new JsonlMetricsParser('m.jsonl').push(text);
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 50 }), (sizes) => {
        const parser = new JsonlMetricsParser('m.jsonl');
        const lines = [];
        const warnings = [];
        for (let i = 0, k = 0; i < bytes.length; k++) {
          const n = sizes[k % sizes.length];
          const r = parser.push(bytes.subarray(i, i + n));
          lines.push(...r.lines);
          warnings.push(...r.warnings);
          i += n;
        }
        assert.deepEqual(lines, whole.lines);
        assert.deepEqual(warnings, whole.warnings);
      }),
      { numRuns: runs(50) },
    );
  });
});
