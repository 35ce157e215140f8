/**
 * Validates a parsed `xlens.yaml` against `schemas/xlens.schema.json` (the schema editors use too)
 * and turns ajv's errors into messages that name the field and the fix.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../../schemas/xlens.schema.json';
import type { UserInputError } from '../base/errors';
import { didYouMean } from './suggest';
import type { YamlPath, YamlSource } from './yamlSource';

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: false }).compile(
    schema,
  );
  return validator(value) ? [] : (validator.errors ?? []);
}

/** Splits an ajv instance path (JSON pointer) into keys; numeric segments under arrays become numbers. */
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  const parts =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: (string | number)[] = [];
  let cursor: unknown = root;
  for (const part of parts) {
    const key = Array.isArray(cursor) ? Number(part) : part;
    path.push(key);
    cursor =
      cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[part] : undefined;
  }
  return path;
}

/** `model.layers[0].dense` of task "train" — how a field is named in messages. */
export function describeField(path: YamlPath): string {
  const inTask = path[0] === 'tasks' && path.length >= 2;
  const rest = inTask ? path.slice(2) : path;
  const name = rest.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    '',
  );
  if (inTask) {
    return name ? `\`${name}\` of task "${String(path[1])}"` : `task "${String(path[1])}"`;
  }
  return name ? `\`${name}\`` : 'the file';
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a map';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'an integer' : 'a number';
  }
  return `a ${typeof value}`;
}

function expectedType(types: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  const list = types.split(',').map((t) => names[t] ?? t);
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

interface SchemaNode {
  properties?: Record<string, { description?: string }>;
}

/** One message for one ajv error, or undefined for errors that only repeat a more precise one. */
function describe(error: ErrorObject, path: YamlPath, source: YamlSource): UserInputError | undefined {
  const field = describeField(path);
  const parent = error.parentSchema as SchemaNode | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return undefined;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent?.properties ?? {});
      const where = path.length === 0 ? 'at the top level' : `in ${field}`;
      const hint = didYouMean(key, allowed) || ` Allowed keys: ${allowed.join(', ')}.`;
      return source.error(`unknown key "${key}" ${where}.${hint}`, [...path, key], 'key');
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const at: YamlPath = path;
      if (path.length === 0) {
        return source.error(
          'missing `tasks:`. Add a `tasks:` map (run `xlens init` for a starter file).',
          [],
        );
      }
      if (path[0] === 'tasks' && path.length === 2 && missing === 'run') {
        return source.error(
          `${field} needs \`run:\` (the shell command to run), or \`kind:\` tfjs-train, tfjs-eval or drift for a built-in job.`,
          at,
          'key',
        );
      }
      const about = parent?.properties?.[missing]?.description;
      return source.error(
        `${field} needs \`${missing}:\`${about ? ` (${about.replace(/\.$/, '')})` : ''}.`,
        at,
        'key',
      );
    }
    case 'type':
      if (path.length === 0) {
        return source.error(
          error.data === null
            ? 'the file is empty. Start with `version: 1` and a `tasks:` map (run `xlens init` for a starter file).'
            : 'the file must be a map with `version: 1` and `tasks:`.',
          [],
        );
      }
      return source.error(
        `${field} must be ${expectedType(String(params.type))}, not ${typeName(error.data)} (${shown(error.data)}).`,
        path,
      );
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return source.error(
        `${field} must be one of ${allowed.join(', ')}, not ${shown(error.data)}.${didYouMean(String(error.data), allowed)}`,
        path,
      );
    }
    case 'const':
      return source.error(`${field} must be ${shown(params.allowedValue)}, not ${shown(error.data)}.`, path);
    case 'pattern':
      if (path[path.length - 1] === 'timeout') {
        return source.error(
          `${field} ${shown(error.data)} is not a duration. Write e.g. 90s, 30m, 2h or 1h30m (a number means seconds).`,
          path,
        );
      }
      if (path[path.length - 1] === 'optimizer') {
        return source.error(`${field} must be adam, sgd or rmsprop, not ${shown(error.data)}.`, path);
      }
      return source.error(`${field} ${error.message ?? 'does not match the expected pattern'}.`, path);
    case 'propertyNames':
      return undefined; // reported by the pattern error on the name itself
    case 'minProperties':
    case 'maxProperties':
      if (path.includes('metrics')) {
        return source.error(
          `${field} must have exactly one key: tensorboard, mlflow, dvclive, csv, jsonl, wandb or stdout.`,
          path,
        );
      }
      if (path[path.length - 1] === 'optimizer') {
        return source.error(`${field} must have exactly one key: adam, sgd or rmsprop.`, path);
      }
      return source.error(`${field} ${error.message ?? 'has the wrong number of keys'}.`, path);
    case 'minLength':
      return source.error(`${field} must not be empty.`, path);
    case 'minItems':
      return source.error(`${field} must not be an empty list.`, path);
    default:
      return source.error(`${field} ${error.message ?? 'is not valid'} (got ${shown(error.data)}).`, path);
  }
}

/**
 * Validates `value` (the document as plain data) and returns every problem as a positioned error.
 * Errors about task names come from the `propertyNames` pattern and are placed on the name.
 */
export function schemaErrors(value: unknown, source: YamlSource): UserInputError[] {
  const out: UserInputError[] = [];
  const seen = new Set<string>();
  for (const error of validate(value)) {
    let path = pointerToPath(error.instancePath, value);
    let result: UserInputError | undefined;
    if (error.keyword === 'pattern' && error.propertyName !== undefined) {
      path = [...path, error.propertyName];
      result = source.error(
        `task name "${error.propertyName}" may only use letters, digits, "_", "-" and "." (and must start with a letter or digit).`,
        path,
        'key',
      );
    } else {
      result = describe(error, path, source);
    }
    if (result && !seen.has(result.message)) {
      seen.add(result.message);
      out.push(result);
    }
  }
  return out;
}

/** The task names that have at least one schema error (their configs are not built). */
export function tasksWithErrors(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const error of validate(value)) {
    const path = pointerToPath(error.instancePath, value);
    if (path[0] === 'tasks' && path.length >= 2) {
      names.add(String(path[1]));
    } else if (path[0] === 'tasks' && error.propertyName !== undefined) {
      names.add(error.propertyName);
    }
  }
  return names;
}
