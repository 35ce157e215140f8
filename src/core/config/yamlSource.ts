/**
 * A parsed YAML file that remembers where every node came from, so errors can name `file:line:col`
 * (1-based, with an end position for editor diagnostics).
 */
import {
  LineCounter,
  isCollection,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
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

/**
 * The `yaml` library's limit on alias expansion (its default): the uses of one anchor times the
 * aliases inside it. Alias bombs ("billion laughs") exceed it at once; hand-written files never do.
 */
const MAX_ALIAS_COUNT = 100;

/** An entry of the document: its key (map entries) and value nodes. */
interface IndexedEntry {
  key?: Node;
  value?: Node;
}

export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();
  /** The entries of each map of the document by key, built on first use (see {@link entryAt}). */
  private readonly entries = new WeakMap<YAMLMap, Map<string, IndexedEntry>>();

  /**
   * @param file path used in messages (as the user should see it, usually absolute).
   * @param text the file contents.
   */
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // Duplicate keys are found by `duplicateKeys` below: the library's own check (`uniqueKeys`)
    // compares each key with every earlier one, which made a file of 20,000 tasks load in minutes.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
  }

  /**
   * YAML syntax errors (and duplicate keys) as user errors, all of them; when the syntax is sound,
   * the values no program can take: an alias inside the node it names (a cycle, which no plain value
   * can hold) and NUL characters (no command, path or environment variable can carry one).
   */
  syntaxErrors(): UserInputError[] {
    const syntax = this.doc.errors.map((e) => {
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
    syntax.push(...this.duplicateKeys());
    return syntax.length > 0 ? syntax : this.valueErrors();
  }

  /** Keys that repeat an earlier scalar key of the same map (as the library's `uniqueKeys` check). */
  private duplicateKeys(): UserInputError[] {
    const errors: UserInputError[] = [];
    visit(this.doc, {
      Map: (_key, map) => {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) {
            continue;
          }
          if (seen.has(pair.key.value)) {
            errors.push(
              this.errorAt(
                `YAML syntax: Map keys must be unique. ${SYNTAX_HINTS.DUPLICATE_KEY}`,
                // Where the library placed it: the first character of the key.
                this.rangeOfOffsets(pair.key.range?.[0] ?? 0, (pair.key.range?.[0] ?? 0) + 1),
              ),
            );
          }
          seen.add(pair.key.value);
        }
      },
    });
    return errors;
  }

  /** Cyclic aliases and NUL characters, in one walk of the document. */
  private valueErrors(): UserInputError[] {
    const errors: UserInputError[] = [];
    // The node each anchor names at this point of the document (a later anchor of the same name wins).
    const anchors = new Map<string, unknown>();
    const rawNul = this.text.includes('\0');
    visit(this.doc, (_key, node, path) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target !== undefined && (path as readonly unknown[]).includes(target)) {
          errors.push(
            this.errorAt(
              `the alias *${node.source} is inside the value its anchor &${node.source} names, so the value would contain itself without end. Write the value out, or move the alias outside the anchored value.`,
              this.rangeOfNode(node),
            ),
          );
        }
        return;
      }
      if ((isScalar(node) || isCollection(node)) && node.anchor) {
        anchors.set(node.anchor, node);
      }
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\0')) {
        // A NUL byte written as such is placed exactly; one written as an escape ("\0"), at its value.
        const [start, end] = node.range ?? [0, 0];
        const raw = rawNul ? this.text.slice(start, end).indexOf('\0') : -1;
        const at = raw >= 0 ? this.rangeOfOffsets(start + raw, start + raw + 1) : this.rangeOfNode(node);
        errors.push(
          this.errorAt(
            'the value holds a NUL character (\\0), which no command, path or environment variable can carry. Remove it.',
            at,
          ),
        );
      }
    });
    return errors;
  }

  private rangeOfNode(node: Node): SourceRange {
    return node.range
      ? this.rangeOfOffsets(node.range[0], node.range[1])
      : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  /** The node at `path`, or undefined. */
  nodeAt(path: YamlPath): Node | undefined {
    if (path.length === 0) {
      return (this.doc.contents as Node | null) ?? undefined;
    }
    return this.entryAt(path)?.value;
  }

  /** The key node of the map entry at `path` (its last element is the key). */
  keyAt(path: YamlPath): Node | undefined {
    return path.length === 0 ? undefined : this.entryAt(path)?.key;
  }

  /**
   * The entry at `path`, found through the entries of each map on the way, which are indexed once
   * per map: a lookup costs the same in a file of 30,000 tasks as in one of 3 (a linear search per
   * key made loading quadratic). Aliases are not followed (as `Document.getIn` does not), so an alias
   * bomb costs nothing here.
   */
  private entryAt(path: YamlPath): IndexedEntry | undefined {
    let node: unknown = this.doc.contents;
    let entry: IndexedEntry | undefined;
    for (const part of path) {
      if (isMap(node)) {
        entry = this.mapEntries(node).get(String(part));
      } else if (isSeq(node)) {
        const index = typeof part === 'number' ? part : Number(part);
        const item: unknown = Number.isInteger(index) && index >= 0 ? node.items[index] : undefined;
        entry = isNode(item) ? { value: item } : undefined;
      } else {
        return undefined;
      }
      if (!entry) {
        return undefined;
      }
      node = entry.value;
    }
    return entry;
  }

  /** The entries of `map` by key (as text); of duplicate keys the first (a duplicate is a syntax error). */
  private mapEntries(map: YAMLMap): Map<string, IndexedEntry> {
    let entries = this.entries.get(map);
    if (!entries) {
      entries = new Map();
      for (const pair of map.items) {
        if (isScalar(pair.key) && !entries.has(String(pair.key.value))) {
          const value = isNode(pair.value) ? pair.value : undefined;
          entries.set(String(pair.key.value), { key: pair.key, value });
        }
      }
      this.entries.set(map, entries);
    }
    return entries;
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

  /**
   * The plain JavaScript value of the document (call after {@link syntaxErrors} found nothing).
   * Aliases are expanded within the `yaml` library's limit (`maxAliasCount`), which refuses "billion
   * laughs" alias bombs that would expand a small file into gigabytes.
   * An integer beyond 2^53 − 1 (`seed: 12345678901234567890`), which a number would round, is kept
   * as the string written (a field that needs a number then says so).
   * @throws UserInputError at the first alias when the aliases expand beyond that limit.
   */
  toJS(): unknown {
    visit(this.doc, {
      Scalar: (_key, node) => {
        if (
          typeof node.value === 'number' &&
          Number.isInteger(node.value) &&
          !Number.isSafeInteger(node.value)
        ) {
          const written = node.range ? this.text.slice(node.range[0], node.range[1]).trim() : '';
          if (/^[-+]?\d+$/.test(written)) {
            node.value = written.replace(/^\+/, '');
          }
        }
      },
    });
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (!(error instanceof ReferenceError)) {
        throw error;
      }
      // "Unresolved alias (the anchor must be set before the alias): name", or the alias limit.
      const unresolved = /Unresolved alias.*: (.+)$/.exec(error.message)?.[1];
      let first: Node | undefined;
      visit(this.doc, {
        Alias: (_key, node) => {
          if (unresolved === undefined || node.source === unresolved) {
            first = node;
            return visit.BREAK;
          }
          return undefined;
        },
      });
      const where = first ? this.rangeOfNode(first) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
      throw this.errorAt(
        unresolved !== undefined
          ? `the alias *${unresolved} names no anchor before it. Define the anchor (&${unresolved}) before its first alias.`
          : `YAML aliases expand too far: ${error.message.replace(/\.?$/, '')} (aliases of aliases multiply: more than ${MAX_ALIAS_COUNT} expansions of one anchor are refused). Write the values out instead of nesting aliases.`,
        where,
      );
    }
  }

  /** True when the node at `path` is a sequence. */
  isSeqAt(path: YamlPath): boolean {
    return isSeq(this.nodeAt(path));
  }
}
