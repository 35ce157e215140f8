/**
 * Fast path of the Parquet reader for flat numeric columns (INT32, INT64, FLOAT, DOUBLE, and INT64
 * timestamps): decodes pages with hyparquet's page-level functions and writes values straight into a
 * `Float64Array`, mapping dictionary indices through a dictionary converted to numbers once. This skips
 * the row assembly and the per-value `BigInt` objects of the generic path, which dominate its time on
 * large INT64 columns. Anything else returns `undefined` and takes the generic path.
 */
import type { AsyncBuffer, Compressors, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js';
import { CancelledError } from '../base/errors';

const NUMERIC_TYPES = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** Milliseconds per stored unit of a timestamp column, or 1 for plain numbers; undefined if unsupported. */
function unitScale(element: SchemaElement): number | undefined {
  const logical = element.logical_type;
  if (logical?.type === 'TIMESTAMP') {
    return logical.unit === 'MILLIS' ? 1 : logical.unit === 'MICROS' ? 1e-3 : 1e-6;
  }
  if (element.converted_type === 'TIMESTAMP_MILLIS') {
    return 1;
  }
  if (element.converted_type === 'TIMESTAMP_MICROS') {
    return 1e-3;
  }
  if (logical === undefined && element.converted_type === undefined) {
    return 1;
  }
  if (logical?.type === 'INTEGER' || (element.converted_type ?? '').startsWith('INT_')) {
    return 1;
  }
  return undefined;
}

function toNumbers(values: ArrayLike<number | bigint>, scale: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Number(values[i]) * scale;
  }
  return out;
}

/** The decoded values of one flat numeric column; NaN marks nulls. */
export interface NumericColumnData {
  values: Float64Array;
  missing: number;
}

/**
 * Reads one top-level column when it is a flat numeric column this fast path handles.
 * @param indices ascending rows to keep (a sample); default every row.
 * @returns undefined when the column needs the generic reader.
 * @throws CancelledError when `signal` fires (checked per row group).
 */
export async function readNumericColumn(
  file: AsyncBuffer,
  metadata: FileMetaData,
  child: SchemaTree,
  compressors: Compressors,
  signal?: AbortSignal,
  indices?: Int32Array,
): Promise<NumericColumnData | undefined> {
  const element = child.element;
  const schemaPath = [parquetRoot(metadata), child];
  if (child.children.length > 0 || !element.type || !NUMERIC_TYPES.has(element.type)) {
    return undefined;
  }
  if (element.repetition_type === 'REPEATED') {
    return undefined;
  }
  const scale = unitScale(element);
  if (scale === undefined) {
    return undefined;
  }
  const maxDefinition = getMaxDefinitionLevel(schemaPath);
  const rows = Number(metadata.num_rows);
  const out = new Float64Array(indices ? indices.length : rows);
  // `at` counts rows of the file; `kept` the values written to `out` (all rows, or those in `indices`).
  let at = 0;
  let kept = 0;
  let missing = 0;
  const keep = (v: number): void => {
    if (indices) {
      if (indices[kept] !== at) {
        at++;
        return;
      }
    }
    at++;
    if (Number.isFinite(v)) {
      out[kept++] = v;
    } else {
      out[kept++] = NaN;
      missing++;
    }
  };
  for (const group of metadata.row_groups) {
    if (signal?.aborted) {
      throw new CancelledError();
    }
    const chunk = group.columns.find(
      (c) => c.meta_data?.path_in_schema.join('.') === element.name,
    )?.meta_data;
    if (!chunk) {
      return undefined;
    }
    // The chunk starts at its dictionary page when it has one (some writers store 0 for "none").
    const dataOffset = Number(chunk.data_page_offset);
    const dictionaryOffset = Number(chunk.dictionary_page_offset ?? 0);
    const chunkStart = dictionaryOffset > 0 && dictionaryOffset < dataOffset ? dictionaryOffset : dataOffset;
    const bytes = await file.slice(chunkStart, chunkStart + Number(chunk.total_compressed_size));
    const reader = { view: new DataView(bytes), offset: 0 };
    const decoder = {
      pathInSchema: [element.name],
      type: element.type,
      element,
      schemaPath,
      codec: chunk.codec,
      parsers: undefined as never,
      compressors,
    };
    let dictionary: Float64Array | undefined;
    const groupEnd = at + Number(group.num_rows);
    while (at < groupEnd && reader.offset < bytes.byteLength) {
      const header = parquetHeader(reader);
      const pageBytes = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      if (header.type === 'DICTIONARY_PAGE') {
        const page = decompressPage(
          pageBytes,
          Number(header.uncompressed_page_size),
          chunk.codec,
          compressors,
        );
        const pageReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
        const values = readPlain(
          pageReader,
          element.type,
          header.dictionary_page_header!.num_values,
          element.type_length,
        );
        dictionary = toNumbers(values as ArrayLike<number | bigint>, scale);
        continue;
      }
      let page;
      let encoding: string;
      if (header.type === 'DATA_PAGE') {
        const daph = header.data_page_header!;
        const raw = decompressPage(
          pageBytes,
          Number(header.uncompressed_page_size),
          chunk.codec,
          compressors,
        );
        page = readDataPage(raw, daph, decoder);
        encoding = daph.encoding;
      } else if (header.type === 'DATA_PAGE_V2') {
        page = readDataPageV2(pageBytes, header, decoder);
        encoding = header.data_page_header_v2!.encoding;
      } else {
        continue;
      }
      const data = page.dataPage as ArrayLike<number | bigint>;
      const useDictionary = encoding.endsWith('_DICTIONARY');
      if (useDictionary && !dictionary) {
        return undefined;
      }
      const levels = page.definitionLevels ?? [];
      const count = maxDefinition > 0 && levels.length > 0 ? levels.length : data.length;
      let k = 0;
      for (let i = 0; i < count; i++) {
        if (maxDefinition > 0 && levels.length > 0 && levels[i] !== maxDefinition) {
          keep(NaN);
          continue;
        }
        keep(useDictionary ? dictionary![data[k++] as number] : Number(data[k++]) * scale);
      }
    }
    if (at !== groupEnd) {
      return undefined;
    }
  }
  if (kept !== out.length) {
    return undefined;
  }
  return { values: out, missing };
}

function parquetRoot(metadata: FileMetaData): SchemaTree {
  const root = metadata.schema[0];
  return { children: [], count: 1, element: root, path: [] };
}
