/**
 * A parsed YAML file that remembers where every node came from, so errors can name `file:line:col`
 * (1-based, with an end position for editor diagnostics).
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { UserInputError, formatLocation } from '../base/errors';
import type { SourceRange } from './types';

/** A path into the document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** The fix to suggest for each syntax error of the `yaml` library (by its error code). */
const SYNTAX_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'Remove one of the two entries.',
  BAD_INDENT:
    'Start the keys of one map (and the items of one list) at the same column, nested ones further right, and close every { and [.',
  TAB_AS_INDENT: 'Indent with spaces, not tabs.',
  MISSING_CHAR: 'Close the quote, bracket or brace this value opens.',
  BAD_DQ_ESCAPE:
    "In double quotes a backslash starts an escape: use single quotes for regular expressions (e.g. '(?<value>\\d+)'), or write \\\\.",
  MULTILINE_IMPLICIT_KEY:
    'Put a space after the ":" of a key (run: python x.py), or quote a value that spans lines.',
  BLOCK_AS_IMPLICIT_KEY: 'Quote a value that contains ": " (run: "echo a: b").',
  BAD_SCALAR_START: 'Quote the value (run: "@task" instead of run: @task).',
  MULTIPLE_DOCS: 'Keep one document: remove the second `---` and what follows, or merge it into the first.',
  UNEXPECTED_TOKEN: 'Remove the stray character, or quote a value that contains it.',
};

export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  /**
   * @param file path used in messages (as the user should see it, usually absolute).
   * @param text the file contents.
   */
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** YAML syntax errors (and duplicate keys) as user errors, all of them. */
  syntaxErrors(): UserInputError[] {
    return this.doc.errors.map((e) => {
      const first =
        e.code === 'MULTIPLE_DOCS'
          ? 'the file holds more than one YAML document'
          : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      const hint = SYNTAX_HINTS[e.code] ?? 'Fix the YAML syntax at this position.';
      return this.errorAt(
        `YAML syntax: ${first}. ${hint}`.replace('..', '.'),
        this.rangeOfOffsets(e.pos[0], e.pos[1]),
      );
    });
  }

  /** The node at `path`, or undefined. */
  nodeAt(path: YamlPath): Node | undefined {
    if (path.length === 0) {
      return (this.doc.contents as Node | null) ?? undefined;
    }
    const node: unknown = this.doc.getIn(path, true);
    return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  }

  /** The key node of the map entry at `path` (its last element is the key). */
  keyAt(path: YamlPath): Node | undefined {
    if (path.length === 0) {
      return undefined;
    }
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path[path.length - 1];
    if (!isMap(parent)) {
      return undefined;
    }
    for (const pair of parent.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(key)) {
        return pair.key;
      }
    }
    return undefined;
  }

  /**
   * The range of `path`: the key when `prefer` is `key` and the entry is a map entry, otherwise the
   * value; falls back to the closest ancestor that exists (or the file start).
   */
  rangeOf(path: YamlPath, prefer: 'key' | 'value' = 'value'): SourceRange {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      const wantKey = prefer === 'key' || n < path.length;
      const key = wantKey ? this.keyAt(sub) : undefined;
      const node = key ?? this.nodeAt(sub) ?? (n === path.length ? this.keyAt(sub) : undefined);
      if (node?.range) {
        return this.rangeOfOffsets(node.range[0], node.range[1]);
      }
    }
    return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  /**
   * The range of `needle` inside the scalar at `path` when it appears verbatim in the source
   * (plain and quoted one-line scalars, block scalars), else the scalar's range.
   * @param occurrence which appearance of `needle` (0 = the first).
   */
  rangeWithin(path: YamlPath, needle: string, occurrence = 0): SourceRange {
    const node = this.nodeAt(path);
    if (node?.range) {
      const source = this.text.slice(node.range[0], node.range[1]);
      let at = source.indexOf(needle);
      for (let n = 0; n < occurrence && at >= 0; n++) {
        at = source.indexOf(needle, at + needle.length);
      }
      if (at >= 0) {
        const start = node.range[0] + at;
        return this.rangeOfOffsets(start, start + needle.length);
      }
    }
    return this.rangeOf(path);
  }

  rangeOfOffsets(start: number, end: number): SourceRange {
    const from = this.lines.linePos(start);
    const to = this.lines.linePos(Math.max(start, end));
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  }

  /** A user error at `range`, its message prefixed by `file:line:col: `. */
  errorAt(message: string, range: SourceRange): UserInputError {
    return new UserInputError(`${formatLocation(this.file, range.line, range.column)}: ${message}`, {
      file: this.file,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
    });
  }

  /** Shorthand for {@link errorAt} at {@link rangeOf}. */
  error(message: string, path: YamlPath, prefer: 'key' | 'value' = 'value'): UserInputError {
    return this.errorAt(message, this.rangeOf(path, prefer));
  }

  /** The plain JavaScript value of the document. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** True when the node at `path` is a sequence. */
  isSeqAt(path: YamlPath): boolean {
    return isSeq(this.nodeAt(path));
  }
}
