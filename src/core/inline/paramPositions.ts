/**
 * Where each param is written in a params file (YAML or JSON) or in an inline `params:` map of
 * `xlens.yaml`: flattened names (`model.lr`, as `flattenParams` names them) with the 0-based line and
 * the columns of the key and of the value, for inlay hints after values and go to definition.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

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

/** Parses `text` (the `yaml` library recovers from errors: the sound part is kept). */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, uniqueKeys: false }), lines };
}

/**
 * The params of a YAML or JSON text (or of a parsed one), scalar leaves only, in document order.
 * @param at a path into the document where the params map starts (e.g. `['tasks', 'train', 'params']`).
 */
export function paramPositions(
  text: string | ParsedYaml,
  at: readonly (string | number)[] = [],
): ParamPosition[] {
  const { doc, lines } = typeof text === 'string' ? parseYaml(text) : text;
  let root: unknown = doc.contents;
  for (const part of at) {
    root = isMap(root) || isSeq(root) ? root.get(part, true) : undefined;
  }
  return positionsIn(root, '', lines);
}

/** The params of the map `node`, prefixed with `prefix`. */
export function positionsIn(node: unknown, prefix: string, lines: LineCounter): ParamPosition[] {
  const out: ParamPosition[] = [];
  const walk = (value: unknown, name: string, key: Node | undefined): void => {
    if (isMap(value) || isSeq(value)) {
      value.items.forEach((item, i) => {
        if (isMap(value)) {
          const pair = item as { key: unknown; value: unknown };
          if (isScalar(pair.key)) {
            const k = String(pair.key.value);
            walk(pair.value, name ? `${name}.${k}` : k, pair.key);
          }
        } else {
          walk(item, name ? `${name}.${i}` : String(i), isScalar(item) ? item : undefined);
        }
      });
      return;
    }
    if (!isScalar(value) || !key?.range || !value.range || !name) {
      return;
    }
    const from = lines.linePos(key.range[0]);
    const to = lines.linePos(key.range[1]);
    const end = lines.linePos(value.range[1]);
    out.push({
      name,
      line: from.line - 1,
      keyStart: from.col - 1,
      keyEnd: to.line === from.line ? to.col - 1 : from.col - 1,
      valueEnd: end.col - 1,
      valueLine: end.line - 1,
    });
  };
  walk(node, prefix, undefined);
  return out;
}
