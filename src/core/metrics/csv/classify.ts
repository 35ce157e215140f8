/**
 * Tells Keras `CSVLogger` files from Lightning `CSVLogger` `metrics.csv` files (and from CSVs that are
 * neither) by their header line.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectSeparator } from './csvTable';
import { READ_NONBLOCKING } from '../../base/regularFile';

/**
 * Classifies a CSV log by its header: Keras' CSVLogger starts with `epoch`; Lightning's `metrics.csv`
 * has a `step` column.
 * @param hint the format whose pattern matched, used when the header fits both.
 * @returns the format, or `undefined` when the file is neither (or unreadable).
 */
export async function classifyCsv(
  file: string,
  hint?: 'keras-csv' | 'lightning-csv',
): Promise<'keras-csv' | 'lightning-csv' | undefined> {
  const header = await firstLine(file);
  if (header === undefined) {
    return undefined;
  }
  const cells = header.split(detectSeparator(header)).map((c) => c.trim().replace(/^"|"$/g, ''));
  const lightningLike = cells.includes('step');
  const kerasLike = cells[0] === 'epoch';
  if (lightningLike && (hint === 'lightning-csv' || basename(file) === 'metrics.csv' || !kerasLike)) {
    return 'lightning-csv';
  }
  return kerasLike ? 'keras-csv' : undefined;
}

/** The first line of a text file (up to 64 KiB), or `undefined` when unreadable or a folder. */
export async function firstLine(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, READ_NONBLOCKING);
    if (!(await handle.stat()).isFile()) {
      return undefined;
    }
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
