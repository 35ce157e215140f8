/**
 * The one-pass outline of block YAML (the editor previews' fast path) against the `yaml` library: on
 * generated block YAML both give the same keys and value ends, and texts outside the outline's
 * subset are left to the parser (and their params positions still come out right).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  paramPositions,
  parseYaml,
  readYaml,
  taskKeys,
  taskParamPositions,
} from '../../../src/core/inline/paramPositions';
import { retypedOutline } from '../../../src/core/inline/retypedOutline';
import { blockOutline, walkNode, type OutlineEntry } from '../../../src/core/inline/yamlOutline';

/** What the `yaml` library reads from `text`: every key and scalar item, in document order. */
function parsed(text: string): OutlineEntry[] {
  const { doc, lines } = parseYaml(text);
  assert.deepEqual(doc.errors, [], `the generated text is valid YAML:\n${text}`);
  const out: OutlineEntry[] = [];
  walkNode(doc.contents, [], lines, (e) => out.push(e));
  return out;
}

const key = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_-]{0,6}(\.[a-z0-9]{1,3})?$/),
  fc.stringMatching(/^[a-z ]{1,6}$/).map((k) => `"${k}"`),
  fc.stringMatching(/^[a-z #]{1,6}$/).map((k) => `'${k}'`),
);
const scalar = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer().map(String),
  fc.constantFrom('adam', 'true', 'null', '~', 'a b c', 'x-y', '3e-4', 'models/'),
  fc.stringMatching(/^[a-z #:]{0,6}$/).map((s) => JSON.stringify(s)),
  fc.stringMatching(/^[a-z #']{0,6}$/).map((s) => `'${s.replace(/'/g, "''")}'`),
  fc.constantFrom('[1, 2]', '[a, "b c"]', '{x: 1, y: [2]}', '[]', '{}'),
);
const comment = fc.constantFrom('', '', '  # note', ' #x');

type Tree = { kind: 'map'; items: [string, Tree][] } | { kind: 'seq'; items: Tree[] } | string;
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.record({
      kind: fc.constant('map' as const),
      items: fc.uniqueArray(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
    }),
    fc.record({
      kind: fc.constant('seq' as const),
      items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
    }),
  ),
}));

/** Block YAML of a tree (a map at the root), indented by `step`, sequences indentless when asked. */
function render(root: Tree, step: number, indentless: boolean, comments: string[]): string {
  let c = 0;
  const note = () => comments[c++ % comments.length];
  const lines: string[] = [];
  const block = (t: Tree, indent: number): void => {
    if (typeof t === 'string') {
      throw new Error('scalars are written inline');
    }
    const pad = ' '.repeat(indent);
    if (t.kind === 'map') {
      for (const [k, v] of t.items) {
        if (typeof v === 'string') {
          lines.push(`${pad}${k}: ${v}${note()}`);
        } else {
          lines.push(`${pad}${k}:${note()}`);
          block(v, v.kind === 'seq' && indentless ? indent : indent + step);
        }
      }
      return;
    }
    for (const v of t.items) {
      if (typeof v === 'string') {
        lines.push(`${pad}- ${v}${note()}`);
      } else if (v.kind === 'map') {
        const at = lines.length;
        block(v, indent + 2);
        lines[at] = `${pad}- ${lines[at].slice(indent + 2)}`;
      } else {
        lines.push(`${pad}-${note()}`);
        block(v, indent + step);
      }
    }
  };
  block(typeof root === 'string' || root.kind === 'seq' ? { kind: 'map', items: [['a', root]] } : root, 0);
  return lines.join('\n');
}

describe('the outline of block YAML', () => {
  it('gives the keys and value ends the yaml library gives, or leaves the text to it', () => {
    let outlined = 0;
    fc.assert(
      fc.property(
        tree,
        fc.constantFrom(2, 4),
        fc.boolean(),
        fc.array(comment, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (t, step, indentless, comments, crlf) => {
          const lf = render(t, step, indentless, comments);
          const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
          const outline = blockOutline(text);
          if (outline) {
            outlined++;
            assert.deepEqual(outline, parsed(text), text);
          }
          assert.deepEqual(paramPositions(text), paramPositions(parseYaml(text)));
        },
      ),
      { numRuns: 400 },
    );
    // Only items that are themselves sequences (`-` alone on a line) are outside the subset here.
    assert.ok(outlined > 200, `${outlined} of 400 texts outlined`);
  });

  it('on any text, gives up or agrees with the yaml library (and then the text is valid YAML)', () => {
    // Lines of keys, items and values, many of them broken on purpose (quotes, flow brackets, colons).
    const line = fc
      .tuple(
        fc.constantFrom('', '', '', '  '),
        fc.constantFrom('', '', '', '- '),
        fc.constantFrom('a', 'b', '"c d"', "'e'", 'x.y', 'True', 'k-1', ''),
        fc.constantFrom(': ', ': ', ':', ' : ', ''),
        fc.oneof(
          fc.constantFrom('1', '-2.5', 'x y', '"q # r"', "'it''s'", '[1, b]', '{a: 1}', '  # c', ''),
          fc.stringMatching(/^[a-z0-9"'#:[\]{}&*!|>, .-]{0,10}$/),
        ),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        const text = lines.join('\n');
        const outline = blockOutline(text);
        if (outline) {
          assert.deepEqual(outline, parsed(text), text);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the example workspaces as the parser does, and a params file with multi-line values', () => {
    for (const file of [
      'examples/penguins/xlens.yaml',
      'examples/weather-drift/xlens.yaml',
      'test/fixtures/dvclive/ArturMakowski__Sound_event_detection_system/dvclive/params.yaml',
    ]) {
      const text = readFileSync(file, 'utf8');
      const outline = blockOutline(text);
      // The DVCLive params file has plain scalars that start on the line after their key.
      assert.equal(outline !== undefined, file.endsWith('xlens.yaml'), file);
      if (outline) {
        assert.deepEqual(outline, parsed(text));
      }
      assert.deepEqual(paramPositions(readYaml(text)), paramPositions(parseYaml(text)), file);
      assert.deepEqual(taskKeys(readYaml(text)), taskKeys(parseYaml(text)), file);
    }
  });

  it('leaves block scalars, multi-line scalars, anchors, tags and documents to the parser', () => {
    const texts = [
      'a: |\n  text\nb: 1',
      'a: >-\n  folded\n',
      'a: one\n  two\nb: 1',
      'a: "one\n  two"\n',
      'base: &b 1\nlr: *b',
      'lr: !!float 1',
      '---\nlr: 1',
      'lr: 1\n---\nlr: 2',
      'True: 1',
      'a:\nb: 1',
      'a: [1,\n  2]',
      '{"lr": 0.1,\n "model": {"depth": 3}}',
      '? complex\n: 1',
      'a:\n\t- 1',
    ];
    for (const text of texts) {
      assert.equal(blockOutline(text), undefined, text);
      assert.deepEqual(paramPositions(text), paramPositions(parseYaml(text)), text);
    }
    assert.deepEqual(
      paramPositions('{"lr": 0.1,\n "model": {"depth": 3}}').map((p) => [p.name, p.line, p.valueEnd]),
      [
        ['lr', 0, 10],
        ['model.depth', 1, 21],
      ],
    );
  });

  it('finds the params under a path and the tasks of xlens.yaml', () => {
    const text = [
      'version: 1',
      'tasks:',
      '  train:',
      '    run: python train.py',
      '    params:',
      '      lr: 0.01   # tuned',
      '      model: {depth: 3}',
      '  eval:',
      '    params:',
      '    - seed: 1',
      'data: [x]',
    ].join('\n');
    const read = readYaml(text);
    assert.ok('outline' in read);
    assert.deepEqual(
      paramPositions(read, ['tasks', 'train', 'params']).map((p) => [p.name, p.line, p.keyStart, p.valueEnd]),
      [
        ['lr', 5, 6, 14],
        ['model.depth', 6, 14, 22],
      ],
    );
    assert.deepEqual(
      paramPositions(read, ['tasks', 'eval', 'params', 0]).map((p) => p.name),
      ['seed'],
    );
    assert.deepEqual(
      paramPositions(read, ['tasks', 'train', 'params', 'lr']),
      [],
      'a scalar holds no params',
    );
    assert.deepEqual(paramPositions(read, ['tasks', 'nope', 'params']), []);
    const list = readYaml('- lr: 1\n- lr: 2\n  depth: 3\n');
    assert.ok('outline' in list);
    assert.deepEqual(
      paramPositions(list, [1]).map((p) => [p.name, p.line]),
      paramPositions(parseYaml('- lr: 1\n- lr: 2\n  depth: 3\n'), [1]).map((p) => [p.name, p.line]),
    );
    assert.deepEqual(
      taskKeys(read).map((t) => [t.name, t.line, t.keyStart, t.keyEnd]),
      [
        ['train', 2, 2, 7],
        ['eval', 7, 2, 6],
      ],
    );
  });

  it('finds the params of every task in one pass, as the search per task and per item does', () => {
    const names = ['a', 'b', 'c'];
    // `tasks:` maps of tasks `a` to `c` whose `params:` are maps, lists or scalars, some written
    // twice (the outline keeps duplicate keys as the parser does); other keys around them.
    const flat = fc
      .uniqueArray(fc.tuple(key, scalar), { minLength: 1, maxLength: 3, selector: ([k]) => k })
      .map((items): Tree => ({ kind: 'map', items }));
    const params = fc.oneof(
      flat,
      fc
        .array(fc.oneof(flat, scalar), { minLength: 1, maxLength: 5 })
        .map((items): Tree => ({ kind: 'seq', items })),
      tree,
    );
    const task = fc.array(fc.tuple(fc.constantFrom('params', 'params', 'run', 'kind', 'x'), params), {
      minLength: 1,
      maxLength: 3,
    });
    const config = fc.tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...names, 'd'), task), { maxLength: 4, selector: ([k]) => k }),
      fc.boolean(),
      fc.constantFrom(2, 4),
      fc.boolean(),
    );
    let outlined = 0;
    fc.assert(
      fc.property(config, ([tasks, twice, step, indentless]) => {
        const map = (items: [string, Tree][]): Tree => ({ kind: 'map', items });
        const root = map([
          ['version', '1'],
          ['tasks', map(tasks.map(([name, keys]) => [name, map(keys)]))],
          ...(twice && tasks.length > 0
            ? ([['tasks', map([tasks[0]].map(([n, k]) => [n, map(k)]))]] as [string, Tree][])
            : []),
        ]);
        const text = render(root, step, indentless, ['']);
        const read = readYaml(text);
        outlined += 'outline' in read ? 1 : 0;
        const all = taskParamPositions(read, names);
        for (const name of names) {
          const at = ['tasks', name, 'params'];
          assert.deepEqual(all.get(name), {
            direct: paramPositions(read, at),
            items: [0, 1, 2, 3].flatMap((i) => paramPositions(read, [...at, i])),
          });
        }
      }),
      { numRuns: 500 },
    );
    assert.ok(outlined > 150, `${outlined} of 500 texts outlined`);
  });

  it('follows values retyped from the outline before, as a new read gives them', () => {
    // Text typed into the value of a line (or into anything after its first character).
    const typed = fc.oneof(
      scalar,
      comment,
      fc.constantFrom('c: 5', 'b: x', ': 1', ':', ' 2', '- a: 1', '"'),
      fc.stringMatching(/^[a-z0-9"'#:[\]{}&*!|>, .-]{0,6}$/),
    );
    let followed = 0;
    fc.assert(
      fc.property(
        tree,
        fc.constantFrom(2, 4),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), typed), { minLength: 1, maxLength: 3 }),
        (t, step, indentless, edits) => {
          const text = render(t, step, indentless, ['', '  # c']);
          const before = blockOutline(text);
          if (!before) {
            return;
          }
          const beforeLines = text.split('\n');
          const lines = [...beforeLines];
          for (const [line, column, insert] of edits) {
            const k = line % lines.length;
            // Keep at least the first character: edits after a key's start, in its value mostly.
            const at = 1 + (column % lines[k].length);
            lines[k] = `${lines[k].slice(0, at)}${insert}`;
          }
          const after = retypedOutline(beforeLines, before, lines);
          if (after) {
            followed++;
            assert.deepEqual(after, blockOutline(lines.join('\n')), lines.join('\n'));
          }
          if (lines.every((l, k) => l === beforeLines[k])) {
            assert.deepEqual(after, before, 'an unchanged text keeps its outline');
          }
        },
      ),
      { numRuns: 3000 },
    );
    assert.ok(followed > 300, `${followed} of 3000 edits followed`);
    // What changes more than a value is read anew: a key renamed, an indent or a dash typed over.
    const lines = ['a:', '  ab: 1', 'b:', '  - c: 2'];
    const before = blockOutline(lines.join('\n'))!;
    assert.deepEqual(
      retypedOutline(lines, before, ['a:', '  ab: 10', 'b:', '  - c: x # y']),
      blockOutline('a:\n  ab: 10\nb:\n  - c: x # y'),
    );
    for (const changed of [
      ['a:', '  ac: 1', 'b:', '  - c: 2'],
      ['a:', ' -ab: 1', 'b:', '  - c: 2'],
      ['a:', '  ab: 1', 'b:', '  -- c: 2'],
      ['a:', '  ab:', 'b:', '  - c: 2'],
      ['a:', '  ab: [1]', 'b:', '  - c: 2'],
      ['a:', '  ab: 1', 'b:'],
    ]) {
      assert.equal(retypedOutline(lines, before, changed), undefined, changed.join('\n'));
    }
  });
});
