/**
 * Tells Keras `CSVLogger` files from Lightning `CSVLogger` `metrics.csv` files (and from CSVs that are
 * neither) by their header line and first data row, read with one bounded read (64 KiB).
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { csvCells, detectSeparator } from './csvTable';
import { READ_NONBLOCKING } from '../../base/regularFile';

/** Bytes read from the start of a file to classify it. */
const HEAD_BYTES = 64 * 1024;
/** Files found by content only (any `.csv`, `.log`, `.tsv`) larger than this are not training logs we sniff. */
export const SNIFF_MAX_BYTES = 64 * 1024 * 1024;

type CsvFormat = 'keras-csv' | 'lightning-csv';

/**
 * Classifies a CSV log by its header: Keras' CSVLogger starts with `epoch`; Lightning's `metrics.csv`
 * has a `step` column. When a first data row is there, its step cell (`epoch` for Keras, `step` for
 * Lightning) must be an integer.
 * @param hint the format whose pattern matched, used when the header fits both.
 * @returns the format, or `undefined` when the file is neither (or unreadable).
 */
export async function classifyCsv(file: string, hint?: CsvFormat): Promise<CsvFormat | undefined> {
  const head = await headOf(file);
  return (
    head &&
    classifyHead(head, (lightning, keras) =>
      lightning && (hint === 'lightning-csv' || basename(file) === 'metrics.csv' || !keras)
        ? 'lightning-csv'
        : keras
          ? 'keras-csv'
          : undefined,
    )
  );
}

/**
 * Classifies a file found by its extension alone (a workspace scan sniffing every `.csv`, `.log` and
 * `.tsv`), more strictly than {@link classifyCsv}: Lightning needs both `step` and `epoch` columns
 * (its Trainer logs the epoch on every row) and not DVCLive's `timestamp, step, <metric>` layout;
 * Keras needs `epoch` first, at least one metric column and no `step` column. Files over
 * {@link SNIFF_MAX_BYTES} are skipped.
 * @returns the format, or `undefined` when the file is not recognised as a training log.
 */
export async function sniffCsvLog(file: string): Promise<CsvFormat | undefined> {
  const head = await headOf(file, SNIFF_MAX_BYTES);
  return (
    head &&
    classifyHead(head, (lightning, keras, cells) => {
      // Lightning sorts its columns, so `epoch` often comes first there too: a `step` column decides.
      if (lightning && cells.includes('epoch') && cells[0] !== 'timestamp') {
        return 'lightning-csv';
      }
      return keras && cells.length >= 2 && !cells.includes('step') ? 'keras-csv' : undefined;
    })
  );
}

/** The first line of a text file (up to 64 KiB), or `undefined` when unreadable or a folder. */
export async function firstLine(file: string): Promise<string | undefined> {
  return (await headOf(file))?.header;
}

interface Head {
  header: string;
  /** The first data row, when complete. */
  row?: string;
}

function classifyHead(
  { header, row }: Head,
  decide: (lightning: boolean, keras: boolean, cells: string[]) => CsvFormat | undefined,
): CsvFormat | undefined {
  const separator = detectSeparator(header);
  const split = (line: string): string[] => csvCells(line, separator);
  const cells = split(header);
  const data = row === undefined ? undefined : split(row);
  const integerAt = (index: number): boolean => data === undefined || /^\d+(\.0*)?$/.test(data[index] ?? '');
  const stepAt = cells.indexOf('step');
  return decide(stepAt >= 0 && integerAt(stepAt), cells[0] === 'epoch' && integerAt(0), cells);
}

/** The header line and first data row (each without its line end), from one read of at most 64 KiB. */
async function headOf(file: string, maxSize = Infinity): Promise<Head | undefined> {
  let handle;
  try {
    handle = await open(file, READ_NONBLOCKING);
    const info = await handle.stat();
    if (!info.isFile() || info.size > maxSize) {
      return undefined;
    }
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, Math.max(info.size, 1)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const lines = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\n');
    const header = lines[0].replace(/\r$/, '');
    // A row is complete when a line end follows it; blank lines between are skipped.
    const row = lines.slice(1, -1).find((line) => line.trim() !== '');
    return row === undefined ? { header } : { header, row: row.replace(/\r$/, '') };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
