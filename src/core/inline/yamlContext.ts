/**
 * Where the cursor is in a YAML file being typed: the path of the map it is in, whether it is on a
 * key or a value, and whether it is inside a `${params.…}` / `${runs.…}` placeholder. Read from the
 * indentation of the lines above, not from a parse: a file being typed is often not valid YAML yet
 * (`tasks:\n  train:\n    ru` has no value), and completion is wanted exactly then.
 *
 * Block style only (keys, `- ` items); inside flow collections (`{ adam: … }`) the path stops at the
 * key holding the collection. Lines and characters are 0-based.
 */

/** The place of the cursor. */
export interface YamlCursor {
  /** Path of the map the key under the cursor belongs to; list items are index `0`. */
  path: (string | number)[];
  /** `key`: typing a key; `value`: typing the value of {@link key}. */
  at: 'key' | 'value';
  /** On a value: its key. On a key: the key written so far (possibly complete). */
  key: string;
  /** The text typed so far of the word under the cursor (a key prefix or a value prefix). */
  prefix: string;
  /** Set inside a placeholder: its namespace and the text typed after `params.` / `runs.`. */
  placeholder?: { namespace: 'params' | 'runs'; typed: string };
}

interface LineShape {
  /** Column of the first dash of `- ` items on the line, when any. */
  dashColumn?: number;
  /** Column where the content after the dashes starts. */
  keyColumn: number;
  /** The key, when the content starts with `key:`. */
  key?: string;
  /** What follows `key:` (trimmed, without a comment). */
  rest: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s:#'"{[][^:#]*?)\s*:(?:\s|$)/;

function unquote(key: string): string {
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

/** The shape of a non-blank, non-comment line; undefined for blank and comment lines. */
function shapeOf(line: string): LineShape | undefined {
  const m = /^(\s*)((?:-(?:\s+|$))*)(.*)$/.exec(line);
  if (!m || (m[2] === '' && (m[3].trim() === '' || m[3].trimStart().startsWith('#')))) {
    return undefined;
  }
  const keyColumn = m[1].length + m[2].length;
  const content = m[3];
  const key = KEY.exec(content);
  return {
    dashColumn: m[2] === '' ? undefined : m[1].length,
    keyColumn,
    key: key ? unquote(key[1].trim()) : undefined,
    rest: key
      ? content
          .slice(key[0].length)
          .replace(/\s+#.*$/, '')
          .trim()
      : content.trim(),
  };
}

/**
 * The path of the map whose content starts at `column` on line `line` (exclusive: the lines above).
 * @param inItem true when that content is on a `- ` item line (the map is a list item).
 */
function parentPath(
  lines: readonly string[],
  line: number,
  column: number,
  item?: number,
): (string | number)[] {
  const path: (string | number)[] = [];
  let col = column;
  let want: 'map' | 'seq' = 'map';
  if (item !== undefined) {
    path.unshift(0);
    col = item;
    want = 'seq';
  }
  for (let i = line - 1; i >= 0 && col > 0; i--) {
    const shape = shapeOf(lines[i]);
    if (!shape) {
      continue;
    }
    if (want === 'map') {
      if (shape.keyColumn > col || (shape.keyColumn === col && shape.dashColumn === undefined)) {
        continue;
      }
      if (shape.keyColumn === col && shape.dashColumn !== undefined) {
        path.unshift(0);
        col = shape.dashColumn;
        want = 'seq';
        continue;
      }
    } else {
      if (shape.keyColumn > col || (shape.dashColumn !== undefined && shape.dashColumn === col)) {
        continue;
      }
    }
    if (shape.key === undefined) {
      break;
    }
    path.unshift(shape.key);
    if (shape.dashColumn !== undefined) {
      path.unshift(0);
      col = shape.dashColumn;
      want = 'seq';
    } else {
      col = shape.keyColumn;
      want = 'map';
    }
  }
  return path;
}

const PLACEHOLDER_OPEN = /\$\{\s*(params|runs)\.([^}\s]*)$/;

/**
 * The place of the cursor at (`line`, `character`) in `text`.
 * @returns the place; a blank line's place is a key at the cursor's column.
 */
export function yamlCursorAt(text: string, line: number, character: number): YamlCursor {
  const lines = text.split(/\r?\n/);
  const current = lines[line] ?? '';
  const before = current.slice(0, character);
  const open = PLACEHOLDER_OPEN.exec(before);
  const m = /^(\s*)((?:-\s+)*)(.*)$/.exec(before) ?? ['', '', '', ''];
  const keyColumn = m[1].length + m[2].length;
  const item = m[2] === '' ? undefined : m[1].length;
  const path = parentPath(lines, line, keyColumn, item);
  const key = KEY.exec(m[3]);
  const placeholder = open ? { namespace: open[1] as 'params' | 'runs', typed: open[2] } : undefined;
  if (key) {
    const value = m[3].slice(key[0].length);
    return {
      path,
      at: 'value',
      key: unquote(key[1].trim()),
      prefix: /[^\s{[,]*$/.exec(value)?.[0] ?? '',
      ...(placeholder ? { placeholder } : {}),
    };
  }
  return { path, at: 'key', key: m[3].trim(), prefix: m[3].trim(), ...(placeholder ? { placeholder } : {}) };
}

/**
 * The path of the key written on `line` (its own name last), or undefined when the line holds no key.
 * For hovers on keys.
 */
export function keyPathAt(text: string, line: number): (string | number)[] | undefined {
  const lines = text.split(/\r?\n/);
  const shape = shapeOf(lines[line] ?? '');
  if (!shape?.key) {
    return undefined;
  }
  return [...parentPath(lines, line, shape.keyColumn, shape.dashColumn), shape.key];
}

/**
 * The `kind:` written in the block of task `task` (`tasks:` → `task:` → `kind:`), or undefined.
 * Read from the text so that a task that does not load yet still gets its kind's keys.
 */
export function taskKindIn(text: string, task: string): string | undefined {
  const lines = text.split(/\r?\n/);
  let taskColumn = -1;
  for (let i = 0; i < lines.length; i++) {
    const shape = shapeOf(lines[i]);
    if (!shape) {
      continue;
    }
    if (taskColumn < 0) {
      if (shape.key === task && shape.dashColumn === undefined && shape.keyColumn > 0) {
        const path = parentPath(lines, i, shape.keyColumn);
        if (path.length === 1 && path[0] === 'tasks') {
          taskColumn = shape.keyColumn;
        }
      }
      continue;
    }
    if (shape.keyColumn <= taskColumn) {
      return undefined;
    }
    if (shape.key === 'kind' && shape.dashColumn === undefined && shape.rest !== '') {
      const path = parentPath(lines, i, shape.keyColumn);
      if (path.length === 2) {
        return unquote(shape.rest);
      }
    }
  }
  return undefined;
}
