// Splits the Seattle weather data of the npm package vega-datasets into one CSV per year:
// data/weather-2012.csv (reference) and data/weather-2015.csv (current).
// Usage (from the repository root): node examples/weather-drift/scripts/split-weather.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '../../../node_modules/vega-datasets/data/seattle-weather.csv');
const [header, ...rows] = readFileSync(source, 'utf8').trim().split(/\r?\n/);
if (header !== 'date,precipitation,temp_max,temp_min,wind,weather') {
  throw new Error(`unexpected header in ${source}: ${header}`);
}
const out = join(here, '..', 'data');
mkdirSync(out, { recursive: true });
for (const year of ['2012', '2015']) {
  const selected = rows.filter((row) => row.startsWith(`${year}-`));
  writeFileSync(join(out, `weather-${year}.csv`), `${[header, ...selected].join('\n')}\n`);
  console.log(`data/weather-${year}.csv: ${selected.length} days`);
}
