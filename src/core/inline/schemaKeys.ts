/**
 * What `schemas/xlens.schema.json` allows at a place of `xlens.yaml`: the keys (with their
 * documentation) and the values of enumerations, for completion and hovers in the editor without the
 * YAML extension. The schema is the one the loader validates with (`schemaErrors.ts`), so the editor
 * offers exactly what the loader accepts.
 *
 * Places are YAML paths (`['tasks', 'train', 'metrics', 0]`); a task's keys depend on its `kind`
 * (the schema's `allOf` of `if kind … then …`), passed as `kind` (undefined: a command task).
 */
import schema from '../../../schemas/xlens.schema.json';

/** A JSON Schema node as this module reads it (draft-07, the subset the xlens schema uses). */
interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  allOf?: { if?: SchemaNode; then?: SchemaNode }[];
  required?: string[];
}

/** A key allowed at a place, with its schema documentation. */
export interface SchemaKey {
  name: string;
  /** The key's `description` (Markdown with backticks), empty when the schema has none. */
  description: string;
  /** True when the schema requires the key there. */
  required: boolean;
  /** Values the key takes when it is an enumeration or a constant (e.g. task kinds). */
  values: string[];
  /** True when the value is a map or a list (completion then adds a new line, not a space). */
  nested: boolean;
}

const ROOT = schema as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

/** The task kinds of the schema, in its order (`command` first). */
export const TASK_KINDS: readonly string[] = (ROOT.definitions.task.properties?.kind?.enum ?? []).map(String);

/** The metric source kinds a task's `metrics:` list takes (`tensorboard`, `mlflow`, …). */
export const METRIC_SOURCE_KINDS: readonly string[] = Object.keys(
  ROOT.definitions.metrics.items?.properties ?? {},
);

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let depth = 0; current?.$ref !== undefined && depth < 10; depth++) {
    const name = current.$ref.replace('#/definitions/', '');
    const target = ROOT.definitions[name];
    current = target ? { ...target, description: current.description ?? target.description } : undefined;
  }
  return current;
}

/** The definition of a task of `kind` (a command task when undefined or unknown). */
function taskSchema(kind: string | undefined): SchemaNode {
  const branch = ROOT.definitions.task.allOf?.find((b) => b.if?.properties?.kind?.const === kind);
  const task = resolve(branch?.then) ?? resolve({ $ref: '#/definitions/commandTask' }) ?? {};
  // Every kind's `kind` is a constant there; the editor offers (and documents) all kinds.
  return { ...task, properties: { ...task.properties, kind: ROOT.definitions.task.properties?.kind ?? {} } };
}

function typesOf(node: SchemaNode): string[] {
  return node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
}

/**
 * The schema node at `path`, or undefined where the schema says nothing (free-form maps such as `env`
 * or inline params).
 * @param kind the kind of the task the path is in (path `['tasks', name, …]`).
 */
export function schemaAt(path: readonly (string | number)[], kind?: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ROOT;
  for (let i = 0; i < path.length && node !== undefined; i++) {
    const part = path[i];
    if (i === 1 && path[0] === 'tasks') {
      node = taskSchema(kind);
      continue;
    }
    if (typeof part === 'number') {
      node = resolve(node.items);
      continue;
    }
    const property: SchemaNode | undefined = node.properties?.[part];
    node = resolve(
      property ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined),
    );
  }
  return node;
}

function keyOf(name: string, node: SchemaNode, required: readonly string[]): SchemaKey {
  const resolved = resolve(node) ?? {};
  const values = resolved.enum ?? (resolved.const === undefined ? [] : [resolved.const]);
  const types = typesOf(resolved);
  return {
    name,
    description: resolved.description ?? '',
    required: required.includes(name),
    values: values.map(String),
    nested:
      resolved.properties !== undefined ||
      (types.length > 0 && types.every((t) => t === 'object' || t === 'array')),
  };
}

/**
 * The keys allowed in the map at `path`, in the schema's order; empty where the schema lists none.
 * @param kind the task's kind when the path is in a task.
 */
export function keysAt(path: readonly (string | number)[], kind?: string): SchemaKey[] {
  const node = schemaAt(path, kind);
  const required = node?.required ?? [];
  return Object.entries(node?.properties ?? {}).map(([name, child]) => keyOf(name, child, required));
}

/** The documentation of the key at `path` (its last element), or undefined when the schema has none. */
export function keyAt(path: readonly (string | number)[], kind?: string): SchemaKey | undefined {
  if (path.length === 2 && path[0] === 'tasks') {
    return {
      name: String(path[1]),
      description: `Task \`${String(path[1])}\`. ${ROOT.definitions.task.description ?? ''}`,
      required: false,
      values: [],
      nested: true,
    };
  }
  const parent = schemaAt(path.slice(0, -1), kind);
  const name = path[path.length - 1];
  const child = typeof name === 'string' ? parent?.properties?.[name] : undefined;
  return child === undefined ? undefined : keyOf(name as string, child, parent?.required ?? []);
}
