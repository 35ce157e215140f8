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

const DOUBLE_KEY = /^"([^"\\]+)"( *):(?: |$)/;
const SINGLE_KEY = /^'([^']+)'( *):(?: |$)/;
/** Plain keys the core schema reads as a boolean or null (`True` would become `true`). */
const NOT_A_STRING = /^(true|false|null)$/i;

/** True for `[A-Za-z0-9_-]`. */
function isWordOrDash(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/**
 * A plain key `[A-Za-z_][\w-]*(\.[\w-]+)*` followed by spaces and `: ` (or `:` at the end), scanned
 * by character: this runs once per line.
 */
function plainKey(content: string): { name: string; length: number; valueStart: number } | undefined {
  const first = content.charCodeAt(0);
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95)) {
    return undefined;
  }
  let i = 1;
  for (; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 46) {
      // A dot must sit between two word characters.
      if (!isWordOrDash(content.charCodeAt(i + 1))) {
        return undefined;
      }
    } else if (!isWordOrDash(c)) {
      break;
    }
  }
  const length = i;
  while (content.charCodeAt(i) === 32) {
    i++;
  }
  if (content.charCodeAt(i) !== 58 || (i + 1 < content.length && content.charCodeAt(i + 1) !== 32)) {
    return undefined;
  }
  const name = content.slice(0, length);
  return NOT_A_STRING.test(name)
    ? undefined
    : { name, length, valueStart: i + 1 + (i + 1 < content.length ? 1 : 0) };
}

/** The key at the start of `content`: its name, its length as written, and where its value starts. */
function keyOf(content: string): { name: string; length: number; valueStart: number } | undefined {
  const plain = plainKey(content);
  if (plain || (content[0] !== '"' && content[0] !== "'")) {
    return plain;
  }
  const quoted = DOUBLE_KEY.exec(content) ?? SINGLE_KEY.exec(content);
  return quoted ? { name: quoted[1], length: quoted[1].length + 2, valueStart: quoted[0].length } : undefined;
}

const AFTER_VALUE = /^(?:[ \t]*|[ \t]+#.*)$/;

/** The length of the one-line scalar at the start of `value`, or undefined outside the subset. */
function scalarLength(value: string): number | undefined {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    let i = 1;
    for (; i < value.length; i++) {
      if (quote === '"' && value[i] === '\\') {
        i++;
      } else if (value[i] === quote) {
        if (quote === "'" && value[i + 1] === "'") {
          i++;
        } else {
          break;
        }
      }
    }
    return i < value.length && AFTER_VALUE.test(value.slice(i + 1)) ? i + 1 : undefined;
  }
  if (/^(?:[-?:](?:\s|$)|[,\]}#&*!|>%@`])/.test(value)) {
    return undefined;
  }
  if (value.includes('\t')) {
    return undefined;
  }
  const comment = value.indexOf(' #');
  let end = comment < 0 ? value.length : comment;
  while (end > 0 && value.charCodeAt(end - 1) === 32) {
    end--;
  }
  const text = value.slice(0, end);
  return text === '' || text.endsWith(':') || text.includes(': ') ? undefined : end;
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
 * The keys of `text` in document order (see the file comment for the subset read).
 * @returns the entries, or undefined when the text is outside the subset (parse it instead).
 */
export function blockOutline(text: string): OutlineEntry[] | undefined {
  const out: OutlineEntry[] = [];
  const stack: Frame[] = [];
  /** A key written with nothing after its colon: its value is the block on the next lines. */
  let open: { path: YamlPath; col: number } | undefined;

  /** Reads `key: value` at column `col` of line `i` into `frame`; false when outside the subset. */
  const readKey = (content: string, col: number, frame: Frame, i: number): boolean => {
    const key = keyOf(content);
    if (!key) {
      return false;
    }
    const path = [...frame.path, key.name];
    const entry: OutlineEntry = { path, line: i, keyStart: col, keyEnd: col + key.length };
    const rest = content.slice(key.valueStart);
    const value = rest.trimStart();
    const valueCol = col + key.valueStart + rest.length - value.length;
    if (value === '' || value.startsWith('#')) {
      out.push(entry);
      open = { path, col };
      return true;
    }
    if (value[0] === '[' || value[0] === '{') {
      const inner = flowEntries(value, path, i, valueCol);
      out.push(entry, ...(inner ?? []));
      return inner !== undefined;
    }
    const length = scalarLength(value);
    if (length === undefined) {
      return false;
    }
    out.push({ ...entry, value: { line: i, end: valueCol + length } });
    return true;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    let indent = 0;
    while (line.charCodeAt(indent) === 32) {
      indent++;
    }
    const c = line.charCodeAt(indent);
    if (Number.isNaN(c) || c === 35 /* # */ || (c === 9 && /^[ \t]*(#.*)?$/.test(line))) {
      continue;
    }
    const content = line.slice(indent);
    if (c === 9 || (indent === 0 && /^(?:---|\.\.\.)(?:\s|$)|^%/.test(content))) {
      return undefined;
    }
    const item = c === 45 /* - */ ? /^-(?: +|$)/.exec(content) : null;
    if (open) {
      // The open key's value starts here: deeper, or a sequence at the key's own column.
      if (indent < open.col || (indent === open.col && !item)) {
        return undefined;
      }
      stack.push({ col: indent, seq: item !== null, path: open.path, next: 0 });
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
        stack.push({ col: indent, seq: item !== null, path: [], next: 0 });
      }
    }
    const frame = stack[stack.length - 1];
    if (!frame || frame.col !== indent || frame.seq !== (item !== null)) {
      return undefined;
    }
    if (!item) {
      if (!readKey(content, indent, frame, i)) {
        return undefined;
      }
      continue;
    }
    const inner = content.slice(item[0].length);
    const innerCol = indent + item[0].length;
    const itemPath = [...frame.path, frame.next++];
    if (inner === '' || inner.startsWith('#') || /^-(?: |$)/.test(inner)) {
      return undefined;
    }
    if (keyOf(inner)) {
      const map: Frame = { col: innerCol, seq: false, path: itemPath, next: 0 };
      stack.push(map);
      if (!readKey(inner, innerCol, map, i)) {
        return undefined;
      }
      continue;
    }
    if (inner[0] === '[' || inner[0] === '{') {
      const entries = flowEntries(inner, itemPath, i, innerCol);
      if (!entries) {
        return undefined;
      }
      out.push(...entries);
      continue;
    }
    const length = scalarLength(inner);
    if (length === undefined) {
      return undefined;
    }
    const end = innerCol + length;
    out.push({ path: itemPath, line: i, keyStart: innerCol, keyEnd: end, value: { line: i, end } });
  }
  return open ? undefined : out;
}
