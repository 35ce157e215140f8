/**
 * Streaming JSON Lines reader (https://jsonlines.org): one JSON object per line, blank lines skipped.
 * Keys become columns in order of first appearance; a key absent from a row is a missing value.
 * Numbers stay numbers, strings are taken literally, booleans become "true"/"false", nested values
 * their JSON text, null a missing value.
 */
import { CancelledError, UserInputError } from '../base/errors';
import { ColumnBuilder } from './columnBuilder';
import { missingColumnError } from './columns';
import type { RawTable, ReadOptions } from './csv';
import { RowReservoir } from './sample';
import type { Column } from './types';
import { StrictUtf8Decoder } from './utf8';
import { ownValue } from '../../shared/dict';
import { createRegularFileStream } from '../base/regularFile';

/**
 * @throws UserInputError for an empty file, a line that is not JSON or not an object, invalid UTF-8, or
 *   a requested column that no row has (naming file and line). CancelledError when `signal` fires.
 */
export async function readJsonLines(
  path: string,
  name: string,
  options: ReadOptions = {},
): Promise<RawTable> {
  const decoder = new StrictUtf8Decoder(name);
  const builders = new Map<string, ColumnBuilder>();
  const wanted = options.columns ? new Set(options.columns) : undefined;
  const fileColumns: string[] = [];
  const seen = new Set<string>();
  let rows = 0;
  let line = 0;
  let pending = '';
  const reservoir = options.sample
    ? new RowReservoir(options.sample.maxRows, options.sample.seed)
    : undefined;

  const handleLine = (text: string): void => {
    line++;
    if (text.trim() === '') {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UserInputError(
        `${name}:${line}: not valid JSON (${(error as Error).message}). Each line must hold one JSON object.`,
        { file: name, line },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UserInputError(
        `${name}:${line}: expected a JSON object like {"column": value}, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}.`,
        { file: name, line },
      );
    }
    const record = value as Record<string, unknown>;
    rows++;
    const decision = reservoir?.next();
    // Rows held before this one: a new column starts with that many missing values.
    const stored = reservoir ? reservoir.size - (decision?.append ? 1 : 0) : rows - 1;
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        fileColumns.push(key);
        if (!wanted || wanted.has(key)) {
          const builder = new ColumnBuilder(key, ownValue(options.types, key), reservoir !== undefined);
          for (let r = 0; r < stored; r++) {
            builder.pushMissing();
          }
          builders.set(key, builder);
        }
      }
    }
    if (reservoir && !decision) {
      return;
    }
    for (const [key, builder] of builders) {
      if (decision && !decision.append) {
        builder.replaceNext(decision.slot);
      }
      pushValue(builder, ownValue(record, key), rows - 1);
    }
  };

  try {
    for await (const chunk of await createRegularFileStream(path, {
      highWaterMark: 1 << 20,
      signal: options.signal,
    })) {
      pending += decoder.decode(chunk as Buffer);
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        handleLine(pending.slice(start, nl));
        start = nl + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.decode(new Uint8Array(0), true);
    if (pending.length > 0) {
      handleLine(pending);
    }
  } catch (error) {
    if (error instanceof UserInputError) {
      throw error;
    }
    if (options.signal?.aborted) {
      throw new CancelledError();
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserInputError(`${name}: file not found. Check the path.`, { file: name });
    }
    throw error;
  }
  if (rows === 0) {
    throw new UserInputError(`${name}: the file is empty; expected one JSON object per line.`, {
      file: name,
      line: 1,
    });
  }
  for (const column of options.columns ?? []) {
    if (!seen.has(column)) {
      throw missingColumnError(name, column, fileColumns);
    }
  }
  const order = reservoir && reservoir.seen > reservoir.capacity ? reservoir.order() : undefined;
  const columns: Column[] = [...builders.values()].map((b) => b.finish(order));
  return { rows: reservoir ? reservoir.size : rows, rowsRead: rows, columns, fileColumns };
}

function pushValue(builder: ColumnBuilder, value: unknown, row: number): void {
  if (value === null || value === undefined) {
    builder.pushMissing();
  } else if (typeof value === 'number') {
    builder.pushNumber(value);
  } else if (typeof value === 'string') {
    builder.pushString(value, row);
  } else if (typeof value === 'boolean') {
    builder.pushString(value ? 'true' : 'false', row);
  } else {
    builder.pushString(JSON.stringify(value), row);
  }
}
