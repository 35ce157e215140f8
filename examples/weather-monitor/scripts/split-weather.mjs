// Writes the files of the weather-monitor example from the Seattle weather data of the npm package
// vega-datasets: data/weather-2012.csv (training data, and the reference of the drift) and
// data/weather-2013-2015.csv (the days the trained model predicts, monitored month by month).
// Usage (from the repository root): node examples/weather-monitor/scripts/split-weather.mjs
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
const files = [
  ['weather-2012.csv', ['2012']],
  ['weather-2013-2015.csv', ['2013', '2014', '2015']],
];
for (const [name, years] of files) {
  const selected = rows.filter((row) => years.some((year) => row.startsWith(`${year}-`)));
  writeFileSync(join(out, name), `${[header, ...selected].join('\n')}\n`);
  console.log(`data/${name}: ${selected.length} days`);
}
