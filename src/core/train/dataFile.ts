/**
 * Which data files the built-in trainer reads, checked cheaply (extension and header line only, no CSV
 * parser) so the runner can refuse a wrong file before a run starts without loading the CSV libraries.
 */
import { extname } from 'node:path';
import { firstLine, separatorMismatch } from '../data/separator';

/** What the trainer reads, for messages. */
export const ACCEPTED = 'the built-in trainer reads comma-separated CSV (.csv)';

/** Formats the trainer does not read, with the pandas call that reads each (to convert it). */
export const OTHER_FORMATS: Readonly<Record<string, [string, string]>> = {
  '.json': ['JSON', 'pd.read_json(PATH)'],
  '.jsonl': ['JSON Lines', 'pd.read_json(PATH, lines=True)'],
  '.ndjson': ['JSON Lines', 'pd.read_json(PATH, lines=True)'],
  '.parquet': ['Parquet', 'pd.read_parquet(PATH)'],
  '.pq': ['Parquet', 'pd.read_parquet(PATH)'],
  '.arrow': ['Arrow IPC', 'pd.read_feather(PATH)'],
  '.feather': ['Arrow IPC', 'pd.read_feather(PATH)'],
  '.ipc': ['Arrow IPC', 'pd.read_feather(PATH)'],
  '.xlsx': ['Excel', 'pd.read_excel(PATH)'],
  '.xls': ['Excel', 'pd.read_excel(PATH)'],
  '.tsv': ['tab-separated', 'pd.read_csv(PATH, sep="\\t")'],
  '.tab': ['tab-separated', 'pd.read_csv(PATH, sep="\\t")'],
};

/**
 * Why the trainer cannot read a data file, found before any training: a format other than CSV by its
 * extension, or a header that looks `;`- or tab-separated (see `separatorMismatch`).
 * @param path the file (absolute or cwd-relative); `displayName` names it in the message.
 * @returns the message (naming the file, the formats read, and a conversion), or undefined.
 */
export function trainerDataProblem(path: string, displayName: string = path): string | undefined {
  const other = OTHER_FORMATS[extname(path).toLowerCase()];
  if (other) {
    const [format, reader] = other;
    const csvName = displayName.replace(/\.[^./\\]+$/, '.csv');
    return (
      `${displayName}: ${ACCEPTED}, not ${format}; convert it first, e.g. with pandas: ` +
      `${reader.replace('PATH', JSON.stringify(displayName))}.to_csv(${JSON.stringify(csvName)}, index=False)`
    );
  }
  const header = firstLine(path);
  const mismatch = header !== undefined ? separatorMismatch(header, ',', ACCEPTED) : undefined;
  return mismatch !== undefined ? `${displayName}:1: ${mismatch}` : undefined;
}
