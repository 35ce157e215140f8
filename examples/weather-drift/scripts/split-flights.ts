// The scale example: splits flights-3m.parquet (vega-datasets, 3 million US flights, January to June
// 2001) into its first two months and its last two months, written as Arrow IPC files under
// data/flights/ (not committed). The Parquet file stays in node_modules and is read by path.
// Usage (from the repository root): node --import tsx examples/weather-drift/scripts/split-flights.ts [out-dir]
// (out-dir defaults to examples/weather-drift/data/flights).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { loadTable } from '../../../src/core/data/load';
import type { Column } from '../../../src/core/data/types';

const source = join(__dirname, '../../../node_modules/vega-datasets/data/flights-3m.parquet');
const out = process.argv[2] ?? join(__dirname, '..', 'data', 'flights');

function slice(column: Column, keep: Uint8Array, count: number): Float64Array | string[] {
  if (column.storage === 'numeric') {
    const values = new Float64Array(count);
    let k = 0;
    column.values.forEach((v, i) => {
      if (keep[i]) {
        values[k++] = v;
      }
    });
    return values;
  }
  const values: string[] = [];
  column.codes.forEach((c, i) => {
    if (keep[i]) {
      values.push(c < 0 ? '' : column.dictionary[c]);
    }
  });
  return values;
}

async function main(): Promise<void> {
  const table = await loadTable(source);
  const date = table.columns.find((c) => c.name === 'date');
  if (!date || date.storage !== 'numeric') {
    throw new Error('flights-3m.parquet: expected a datetime column "date"');
  }
  mkdirSync(out, { recursive: true });
  const parts = [
    { file: 'flights-jan-feb.arrow', from: Date.UTC(2001, 0, 1), to: Date.UTC(2001, 2, 1) },
    { file: 'flights-may-jun.arrow', from: Date.UTC(2001, 4, 1), to: Date.UTC(2001, 6, 1) },
  ];
  for (const part of parts) {
    const keep = new Uint8Array(table.rows);
    let count = 0;
    date.values.forEach((v, i) => {
      if (v >= part.from && v < part.to) {
        keep[i] = 1;
        count++;
      }
    });
    const arrays: Record<string, Float64Array | string[]> = {};
    for (const column of table.columns) {
      if (column.name !== 'date') {
        arrays[column.name] = slice(column, keep, count);
      }
    }
    writeFileSync(join(out, part.file), tableToIPC(tableFromArrays(arrays), 'file'));
    console.log(`${join(out, part.file)}: ${count} flights`);
  }
}

void main();
