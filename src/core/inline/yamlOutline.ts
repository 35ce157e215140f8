/**
 * The keys of a block-style YAML text and where each scalar value ends, read in one pass over its
 * lines (about a millisecond for 2,000 lines) instead of a full parse with the `yaml` library (tens of
 * milliseconds for the same text: `bench/inline.bench.ts`). The editor previews ask for positions
 * after every edit, so this is their fast path; {@link blockOutline} returns undefined for any text
 * outside the subset it reads exactly, and the caller parses instead.
 *
 * The subset (YAML 1.2, https://yaml.org/spec/1.2.2/): block mappings and block sequences indented
 * with spaces (indentless sequences included), plain keys made of word characters, dashes and dots,
 * quoted keys without escapes, and one-line values: plain, single- or double-quoted scalars, and flow
 * collections (`[a, b]`, `{k: v}`, read by the `yaml` library itself). Anything else — block scalars
 * (`|`, `>`), multi-line scalars, anchors, aliases, tags, directives, several documents, keys that the
 * core schema reads as booleans or null, empty values — makes it give up. A property test
 * (`test/unit/inline/yamlOutline.test.ts`) holds its answers equal to the `yaml` library's.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/** A key path from the document root; list items are their 0-based index. */
export type YamlPath = (string | number)[];

/**
 * A key of the document (or a scalar list item, whose "key" is the item itself). Lines and columns
 * are 0-based; ends exclusive.
 */
export interface OutlineEntry {
  path: YamlPath;
  line: number;
  keyStart: number;
  keyEnd: number;
  /** Set when the value is a scalar: the line and column where it ends. */
  value?: { line: number; end: number };
}

/**
 * Walks a parsed node in document order and reports every key (and scalar list item) under `path`.
 * The one walk both the outline's flow values and the full parse's positions use.
 */
export function walkNode(
  node: unknown,
  path: YamlPath,
  lines: LineCounter,
  emit: (entry: OutlineEntry) => void,
  key?: Node,
): void {
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line - 1, col: p.col - 1 };
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = pair.key as Node | undefined;
      if (!isScalar(k)) {
        continue;
      }
      const child = [...path, String(k.value)];
      if ((isMap(pair.value) || isSeq(pair.value)) && k.range) {
        const from = at(k.range[0]);
        const to = at(k.range[1]);
        emit({
          path: child,
          line: from.line,
          keyStart: from.col,
          keyEnd: to.line === from.line ? to.col : from.col,
        });
      }
      walkNode(pair.value, child, lines, emit, k);
    }
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) =>
      walkNode(item, [...path, i], lines, emit, isScalar(item) ? item : undefined),
    );
    return;
  }
  if (!isScalar(node) || !key?.range || !node.range) {
    return;
  }
  const from = at(key.range[0]);
  const to = at(key.range[1]);
  const end = at(node.range[1]);
  emit({
    path,
    line: from.line,
    keyStart: from.col,
    keyEnd: to.line === from.line ? to.col : from.col,
    value: { line: end.line, end: end.col },
  });
}

/** A key written at a column of a line ({@link keyOf}). */
export interface Key {
  name: string;
  /** Its length as written (quotes included). */
  length: number;
  /** The column where its value starts (after `: `). */
  valueStart: number;
}

// The scanners below read a line from a column, with sticky expressions and character codes instead
// of slices of it: they run once per line of every version of a document.
const DOUBLE_KEY = /"([^"\\]+)"( *):(?: |$)/y;
const SINGLE_KEY = /'([^']+)'( *):(?: |$)/y;
/** Plain keys the core schema reads as a boolean or null (`True` would become `true`). */
const NOT_A_STRING = /^(true|false|null)$/i;
/** What may follow a quoted scalar on its line. */
const AFTER_VALUE = /(?:[ \t]*|[ \t]+#.*)$/y;
/** Plain scalars cannot start so (indicators). */
const NOT_PLAIN = /(?:[-?:](?:\s|$)|[,\]}#&*!|>%@`])/y;
const BLANK_WITH_TABS = /^[ \t]*(#.*)?$/;
const DOCUMENT_MARK = /^(?:---|\.\.\.)(?:\s|$)|^%/;
const SPACE = /\s/;

/** True for `[A-Za-z0-9_-]`. */
function isWordOrDash(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** True for what `String.prototype.trimStart` removes (`\s`). */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || (c > 127 ? SPACE.test(String.fromCharCode(c)) : c >= 10 && c <= 13);
}

/**
 * A plain key `[A-Za-z_][\w-]*(\.[\w-]+)*` at column `at` of `line`, followed by spaces and `: ` (or
 * `:` at the end).
 */
function plainKey(line: string, at: number): Key | undefined {
  const first = line.charCodeAt(at);
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95)) {
    return undefined;
  }
  let i = at + 1;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 46) {
      // A dot must sit between two word characters.
      if (!isWordOrDash(line.charCodeAt(i + 1))) {
        return undefined;
      }
    } else if (!isWordOrDash(c)) {
      break;
    }
  }
  const length = i - at;
  while (line.charCodeAt(i) === 32) {
    i++;
  }
  if (line.charCodeAt(i) !== 58 || (i + 1 < line.length && line.charCodeAt(i + 1) !== 32)) {
    return undefined;
  }
  const name = line.slice(at, at + length);
  return (length === 4 || length === 5) && NOT_A_STRING.test(name)
    ? undefined
    : { name, length, valueStart: i + 1 + (i + 1 < line.length ? 1 : 0) };
}

/** The key at column `at` of `line`, or undefined when there is none in the subset. */
export function keyOf(line: string, at: number): Key | undefined {
  const c = line.charCodeAt(at);
  if (c !== 34 && c !== 39) {
    return plainKey(line, at);
  }
  const quoted = c === 34 ? DOUBLE_KEY : SINGLE_KEY;
  quoted.lastIndex = at;
  const match = quoted.exec(line);
  return match
    ? { name: match[1], length: match[1].length + 2, valueStart: at + match[0].length }
    : undefined;
}

/** The length of the one-line scalar at column `at` of `line`, or undefined outside the subset. */
export function scalarLength(line: string, at: number): number | undefined {
  const quote = line.charCodeAt(at);
  if (quote === 34 || quote === 39) {
    let i = at + 1;
    for (; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (quote === 34 && c === 92) {
        i++;
      } else if (c === quote) {
        if (quote === 39 && line.charCodeAt(i + 1) === 39) {
          i++;
        } else {
          break;
        }
      }
    }
    if (i >= line.length) {
      return undefined;
    }
    AFTER_VALUE.lastIndex = i + 1;
    return AFTER_VALUE.test(line) ? i + 1 - at : undefined;
  }
  NOT_PLAIN.lastIndex = at;
  if (NOT_PLAIN.test(line) || line.indexOf('\t', at) >= 0) {
    return undefined;
  }
  const comment = line.indexOf(' #', at);
  let end = comment < 0 ? line.length : comment;
  while (end > at && line.charCodeAt(end - 1) === 32) {
    end--;
  }
  const colon = line.indexOf(': ', at);
  return end === at || line.charCodeAt(end - 1) === 58 || (colon >= 0 && colon + 2 <= end)
    ? undefined
    : end - at;
}

/**
 * One-line flow collections read by the `yaml` library, by their text (relative to path `[]`, line 0,
 * column 0). A parse costs a fraction of a millisecond however short the text, so an edit re-reads
 * only the flow values it changed. Bounded: the oldest text goes first.
 */
const flowMemo = new Map<string, OutlineEntry[] | undefined>();
const FLOW_MEMO_SIZE = 1024;

function readFlow(value: string): OutlineEntry[] | undefined {
  if (flowMemo.has(value)) {
    return flowMemo.get(value);
  }
  const lines = new LineCounter();
  const doc = parseDocument(value, { lineCounter: lines, uniqueKeys: false });
  let entries: OutlineEntry[] | undefined;
  if (doc.errors.length === 0 && (isMap(doc.contents) || isSeq(doc.contents)) && doc.contents.flow) {
    const out: OutlineEntry[] = [];
    walkNode(doc.contents, [], lines, (e) => out.push(e));
    entries = out;
  }
  flowMemo.set(value, entries);
  if (flowMemo.size > FLOW_MEMO_SIZE) {
    flowMemo.delete(flowMemo.keys().next().value as string);
  }
  return entries;
}

/** The entries of a one-line flow collection at (`line`, `col`), or undefined when it is not one. */
function flowEntries(value: string, path: YamlPath, line: number, col: number): OutlineEntry[] | undefined {
  return readFlow(value)?.map((e) => ({
    path: [...path, ...e.path],
    line,
    keyStart: e.keyStart + col,
    keyEnd: e.keyEnd + col,
    ...(e.value ? { value: { line, end: e.value.end + col } } : {}),
  }));
}

interface Frame {
  /** Column of the keys (maps) or dashes (sequences). */
  col: number;
  seq: boolean;
  path: YamlPath;
  /** Next item index (sequences). */
  next: number;
}

/**
 * The keys of `text` in document order (see the file comment for the subset read). One pass over the
 * lines, each read by column (no slices of it but the names), in well under a millisecond for the
 * 2,000 lines of `bench/inline.bench.ts`.
 * @returns the entries, or undefined when the text is outside the subset (parse it instead).
 */
export function blockOutline(text: string): OutlineEntry[] | undefined {
  const out: OutlineEntry[] = [];
  const stack: Frame[] = [];
  /** A key written with nothing after its colon: its value is the block on the next lines. */
  let open: { path: YamlPath; col: number } | undefined;

  /** Reads the value of `key` (at column `col` of line `i`) into `frame`; false when outside the subset. */
  const readKey = (line: string, key: Key, col: number, frame: Frame, i: number): boolean => {
    const path = [...frame.path, key.name];
    const entry: OutlineEntry = { path, line: i, keyStart: col, keyEnd: col + key.length };
    let at = key.valueStart;
    while (at < line.length && isSpace(line.charCodeAt(at))) {
      at++;
    }
    const c = line.charCodeAt(at);
    if (at === line.length || c === 35 /* # */) {
      out.push(entry);
      open = { path, col };
      return true;
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const inner = flowEntries(line.slice(at), path, i, at);
      out.push(entry);
      if (inner === undefined) {
        return false;
      }
      for (const e of inner) {
        out.push(e);
      }
      return true;
    }
    const length = scalarLength(line, at);
    if (length === undefined) {
      return false;
    }
    entry.value = { line: i, end: at + length };
    out.push(entry);
    return true;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.charCodeAt(line.length - 1) === 13 /* \r */) {
      line = line.slice(0, -1);
    }
    let indent = 0;
    while (line.charCodeAt(indent) === 32) {
      indent++;
    }
    const c = line.charCodeAt(indent);
    if (Number.isNaN(c) || c === 35 /* # */ || (c === 9 && BLANK_WITH_TABS.test(line))) {
      continue;
    }
    if (c === 9 || (indent === 0 && (c === 45 || c === 46 || c === 37) && DOCUMENT_MARK.test(line))) {
      return undefined;
    }
    // A sequence item: `-` then spaces or the end of the line; `item` is the length of that.
    let item = 0;
    if (c === 45 /* - */) {
      let after = indent + 1;
      if (after === line.length || line.charCodeAt(after) === 32) {
        while (line.charCodeAt(after) === 32) {
          after++;
        }
        item = after - indent;
      }
    }
    if (open) {
      // The open key's value starts here: deeper, or a sequence at the key's own column.
      if (indent < open.col || (indent === open.col && !item)) {
        return undefined;
      }
      stack.push({ col: indent, seq: item > 0, path: open.path, next: 0 });
      open = undefined;
    } else {
      while (stack.length > 0 && stack[stack.length - 1].col > indent) {
        stack.pop();
      }
      // A key back at the column of an indentless sequence ends that sequence.
      if (
        !item &&
        stack.length > 0 &&
        stack[stack.length - 1].seq &&
        stack[stack.length - 1].col === indent
      ) {
        stack.pop();
      }
      if (stack.length === 0 && out.length === 0) {
        stack.push({ col: indent, seq: item > 0, path: [], next: 0 });
      }
    }
    const frame = stack[stack.length - 1];
    if (!frame || frame.col !== indent || frame.seq !== item > 0) {
      return undefined;
    }
    if (!item) {
      const key = keyOf(line, indent);
      if (!key || !readKey(line, key, indent, frame, i)) {
        return undefined;
      }
      continue;
    }
    const innerCol = indent + item;
    const itemPath = [...frame.path, frame.next++];
    const first = line.charCodeAt(innerCol);
    if (
      innerCol === line.length ||
      first === 35 /* # */ ||
      (first === 45 && (innerCol + 1 === line.length || line.charCodeAt(innerCol + 1) === 32))
    ) {
      return undefined;
    }
    const key = keyOf(line, innerCol);
    if (key) {
      const map: Frame = { col: innerCol, seq: false, path: itemPath, next: 0 };
      stack.push(map);
      if (!readKey(line, key, innerCol, map, i)) {
        return undefined;
      }
      continue;
    }
    if (first === 91 /* [ */ || first === 123 /* { */) {
      const entries = flowEntries(line.slice(innerCol), itemPath, i, innerCol);
      if (!entries) {
        return undefined;
      }
      for (const e of entries) {
        out.push(e);
      }
      continue;
    }
    const length = scalarLength(line, innerCol);
    if (length === undefined) {
      return undefined;
    }
    const end = innerCol + length;
    out.push({ path: itemPath, line: i, keyStart: innerCol, keyEnd: end, value: { line: i, end } });
  }
  return open ? undefined : out;
}
