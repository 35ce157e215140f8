// Rebuilds data/penguins.csv (training) and data/penguins-holdout.csv (15 % held out) from the
// Palmer penguins table shipped in the npm package vega-datasets. Run from the repository root:
//   node examples/penguins/make-data.mjs
// The split is a seeded shuffle (mulberry32, seed 20141105), so re-running gives identical files.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', 'node_modules', 'vega-datasets', 'data', 'penguins.json');
const records = JSON.parse(readFileSync(source, 'utf8'));

// vega-datasets field → column name used by the palmerpenguins R package.
const columns = [
  ['Species', 'species'],
  ['Island', 'island'],
  ['Beak Length (mm)', 'bill_length_mm'],
  ['Beak Depth (mm)', 'bill_depth_mm'],
  ['Flipper Length (mm)', 'flipper_length_mm'],
  ['Body Mass (g)', 'body_mass_g'],
  ['Sex', 'sex'],
];
// Missing values (null, and the single "." entered for one bird's sex) become empty cells.
const cell = (value) => (value === null || value === undefined || value === '.' ? '' : value);
const rows = records.map((r) => columns.map(([from]) => cell(r[from])));

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20141105);
const order = rows.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const holdoutCount = Math.round(rows.length * 0.15);
const holdout = new Set(order.slice(0, holdoutCount));
const header = columns.map(([, to]) => to);
const write = (name, keep) => {
  const picked = rows.filter((_, i) => keep(i));
  writeFileSync(join(here, 'data', name), stringify([header, ...picked]));
  return picked.length;
};
mkdirSync(join(here, 'data'), { recursive: true });
const trainCount = write('penguins.csv', (i) => !holdout.has(i));
const holdoutWritten = write('penguins-holdout.csv', (i) => holdout.has(i));
console.log(
  `penguins.csv: ${trainCount} rows, penguins-holdout.csv: ${holdoutWritten} rows (from ${source})`,
);
