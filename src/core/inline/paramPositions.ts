/**
 * Where each param is written in a params file (YAML or JSON) or in an inline `params:` map of
 * `xlens.yaml`: flattened names (`model.lr`, as `flattenParams` names them) with the 0-based line and
 * the columns of the key and of the value, for inlay hints after values and go to definition.
 *
 * A text is read once per version into a {@link YamlPositions}: the one-pass outline of
 * `yamlOutline.ts` when the text is plain block YAML (the usual params file and `xlens.yaml`), else a
 * full parse with the `yaml` library. Both give the same positions.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { retypedOutline } from './retypedOutline';
import { blockOutline, walkNode, type OutlineEntry, type YamlPath } from './yamlOutline';

/** A param's place. Lines and columns are 0-based; ends exclusive. */
export interface ParamPosition {
  name: string;
  line: number;
  keyStart: number;
  keyEnd: number;
  /** End of the scalar value on its line (where an inlay hint goes); the key's end for nested maps. */
  valueEnd: number;
  /** Line of the value's end (same as `line` for one-line scalars). */
  valueLine: number;
}

/** A YAML (or JSON) text parsed with its line positions; parse once, look up many times. */
export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A YAML text's keys in document order, with the first entry under each key path (built on first use). */
export interface OutlinedYaml {
  outline: OutlineEntry[];
  /** The lines of the text (the next version of it is read against them: {@link readYaml}). */
  lines?: string[];
  /** Index in {@link outline} of each key whose value is a collection, by path (see {@link pathKey}). */
  first?: Map<string, number>;
}

/** A text read for positions: outlined (fast) or parsed. */
export type YamlPositions = OutlinedYaml | ParsedYaml;

/** Parses `text` (the `yaml` library recovers from errors: the sound part is kept). */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, uniqueKeys: false }), lines };
}

function pathKey(path: readonly (string | number)[]): string {
  let key = '';
  for (const part of path) {
    key += `${typeof part === 'number' ? '#' : ':'}${part}\0`;
  }
  return key;
}

/**
 * Reads `text` for positions: its outline when it is plain block YAML, else its parse.
 * @param previous the read of the document's previous version: when the new one only retypes a few
 *   values, its outline is the previous one with those values moved (`retypedOutline`).
 */
export function readYaml(text: string, previous?: YamlPositions): YamlPositions {
  const lines = text.split('\n');
  if (previous && 'outline' in previous && previous.lines) {
    const outline = retypedOutline(previous.lines, previous.outline, lines);
    if (outline) {
      // The same keys in the same order: the index of the collections' keys holds.
      return { outline, lines, ...(previous.first ? { first: previous.first } : {}) };
    }
  }
  const outline = blockOutline(text);
  return outline ? { outline, lines } : parseYaml(text);
}

/** The index of the first entry under `at` (`at` non-empty), or undefined when there is none. */
function startOf(read: OutlinedYaml, at: readonly (string | number)[]): number | undefined {
  if (!read.first) {
    // Keys whose value is a collection, by path: the entries of their subtree follow them.
    const first = new Map<string, number>();
    read.outline.forEach((entry, i) => {
      if (entry.value === undefined) {
        const key = pathKey(entry.path);
        if (!first.has(key)) {
          first.set(key, i);
        }
      }
    });
    read.first = first;
  }
  const own = read.first.get(pathKey(at));
  if (own !== undefined) {
    return own;
  }
  // A list item that is a map has no entry of its own: look in its list's subtree.
  const parent = at.slice(0, -1);
  const list = parent.length === 0 ? 0 : read.first.get(pathKey(parent));
  const { outline } = read;
  for (let i = list ?? outline.length; i < outline.length && startsWith(outline[i].path, parent); i++) {
    if (startsWith(outline[i].path, at)) {
      return i;
    }
  }
  return undefined;
}

function toPosition(entry: OutlineEntry, from: number): ParamPosition | undefined {
  const { path } = entry;
  const name = path.length === from + 1 ? String(path[from]) : path.slice(from).join('.');
  return entry.value && name
    ? {
        name,
        line: entry.line,
        keyStart: entry.keyStart,
        keyEnd: entry.keyEnd,
        valueEnd: entry.value.end,
        valueLine: entry.value.line,
      }
    : undefined;
}

/**
 * The params of a YAML or JSON text (or of a read one), scalar leaves only, in document order.
 * @param at a path into the document where the params map starts (e.g. `['tasks', 'train', 'params']`).
 */
export function paramPositions(
  text: string | YamlPositions,
  at: readonly (string | number)[] = [],
): ParamPosition[] {
  const read = typeof text === 'string' ? readYaml(text) : text;
  const out: ParamPosition[] = [];
  if ('outline' in read) {
    // A subtree's entries follow its key's entry, in document order.
    const start = at.length === 0 ? 0 : startOf(read, at);
    if (start === undefined) {
      return out;
    }
    const { outline } = read;
    for (let i = start; i < outline.length && startsWith(outline[i].path, at); i++) {
      const position = toPosition(outline[i], at.length);
      if (position) {
        out.push(position);
      }
    }
    return out;
  }
  let root: unknown = read.doc.contents;
  for (const part of at) {
    root = isMap(root) || isSeq(root) ? root.get(part, true) : undefined;
  }
  return positionsIn(root, [], read.lines);
}

/** The params written under `tasks.<name>.params` of `xlens.yaml`. */
export interface TaskParams {
  /** As {@link paramPositions} at `['tasks', name, 'params']` gives them. */
  direct: ParamPosition[];
  /** As {@link paramPositions} at `['tasks', name, 'params', i]` gives them, for items 0 to 3 in order. */
  items: ParamPosition[];
}

/** Items of a `params:` list whose params count (as the config loader reads the list). */
const PARAMS_ITEMS = 4;

/**
 * The params written under `tasks.<name>.params` for each of `names`, from a read `xlens.yaml`: for an
 * outline, one pass over it (instead of a search per task), with the answers {@link paramPositions}
 * gives per task and per item.
 */
export function taskParamPositions(read: YamlPositions, names: readonly string[]): Map<string, TaskParams> {
  const out = new Map<string, TaskParams>();
  if (!('outline' in read)) {
    for (const name of names) {
      const at = ['tasks', name, 'params'];
      out.set(name, {
        direct: paramPositions(read, at),
        items: Array.from({ length: PARAMS_ITEMS }, (_, i) => paramPositions(read, [...at, i])).flat(),
      });
    }
    return out;
  }
  const wanted = new Set(names);
  const found = new Map<string, { direct: ParamPosition[]; items: ParamPosition[][] }>();
  // The block of entries under the first `params:` map of the task (as `startOf` finds it) ...
  let block: { name: string; direct: ParamPosition[]; items: ParamPosition[][] } | undefined;
  // ... and in it, the items whose entries ended (an item's params are its first run of entries).
  let item: number | undefined;
  const closed = new Set<number>();
  for (const entry of read.outline) {
    const { path } = entry;
    if (block && path.length >= 3 && path[0] === 'tasks' && path[1] === block.name && path[2] === 'params') {
      const direct = toPosition(entry, 3);
      if (direct) {
        block.direct.push(direct);
      }
      const i = path[3];
      if (item !== undefined && i !== item) {
        closed.add(item);
      }
      item = typeof i === 'number' ? i : undefined;
      if (typeof i === 'number' && i < PARAMS_ITEMS && !closed.has(i)) {
        const position = toPosition(entry, 4);
        if (position) {
          block.items[i].push(position);
        }
      }
      continue;
    }
    block = undefined;
    const name = path[1];
    if (
      path.length === 3 &&
      entry.value === undefined &&
      path[0] === 'tasks' &&
      path[2] === 'params' &&
      typeof name === 'string' &&
      wanted.has(name) &&
      !found.has(name)
    ) {
      block = { name, direct: [], items: Array.from({ length: PARAMS_ITEMS }, () => []) };
      found.set(name, block);
      item = undefined;
      closed.clear();
    }
  }
  for (const name of names) {
    const params = found.get(name);
    out.set(name, { direct: params?.direct ?? [], items: params?.items.flat() ?? [] });
  }
  return out;
}

function startsWith(path: YamlPath, prefix: readonly (string | number)[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/** The params of the parsed node `node` whose path is `prefix`, named relative to it. */
export function positionsIn(node: unknown, prefix: YamlPath, lines: LineCounter): ParamPosition[] {
  const out: ParamPosition[] = [];
  walkNode(node, prefix, lines, (entry) => {
    const position = toPosition(entry, prefix.length);
    if (position) {
      out.push(position);
    }
  });
  return out;
}

/** A task of `xlens.yaml` (a key under `tasks:`) and where its name is written. */
export interface TaskKey {
  name: string;
  line: number;
  keyStart: number;
  keyEnd: number;
}

/** The tasks of an `xlens.yaml` text in document order. */
export function taskKeys(read: YamlPositions): TaskKey[] {
  if ('outline' in read) {
    return read.outline
      .filter((e) => e.path.length === 2 && e.path[0] === 'tasks' && typeof e.path[1] === 'string')
      .map((e) => ({ name: String(e.path[1]), line: e.line, keyStart: e.keyStart, keyEnd: e.keyEnd }));
  }
  const tasks = isMap(read.doc.contents) ? read.doc.contents.get('tasks', true) : undefined;
  const out: TaskKey[] = [];
  if (isMap(tasks)) {
    for (const pair of tasks.items) {
      const key = pair.key;
      if (isScalar(key) && key.range) {
        const from = read.lines.linePos(key.range[0]);
        const to = read.lines.linePos(key.range[1]);
        out.push({
          name: String(key.value),
          line: from.line - 1,
          keyStart: from.col - 1,
          keyEnd: to.line === from.line ? to.col - 1 : from.col - 1,
        });
      }
    }
  }
  return out;
}
