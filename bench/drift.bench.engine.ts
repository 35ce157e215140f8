// Child process of drift.bench.ts: Experiment Lens's drift engine on one file, first half of the rows
// (reference) against the second half (current). Prints one JSON line: timings, peak memory, verdicts.
// Usage: node --import tsx bench/drift.bench.engine.ts <file> <col,col,...>
import { loadTable } from '../src/core/data/load';
import type { Column, Table } from '../src/core/data/types';
import { compareTables } from '../src/core/drift/engine';
import { defaultDriftOptions } from '../src/core/drift/rules';

function half(table: Table, from: number, to: number): Table {
  const columns = table.columns.map((c): Column => {
    if (c.storage === 'numeric') {
      const values = c.values.subarray(from, to);
      let missing = 0;
      for (const v of values) {
        if (v !== v) {
          missing++;
        }
      }
      return { ...c, values, missing };
    }
    const codes = c.codes.subarray(from, to);
    let missing = 0;
    for (const code of codes) {
      if (code < 0) {
        missing++;
      }
    }
    return { ...c, codes, missing };
  });
  return { ...table, rows: to - from, columns };
}

async function main(): Promise<void> {
  const [file, columnList] = process.argv.slice(2);
  const columns = columnList.split(',');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const table = await loadTable(file, { columns });
  const loaded = performance.now();
  const middle = Math.floor(table.rows / 2);
  const result = compareTables(half(table, 0, middle), half(table, middle, table.rows), {
    ...defaultDriftOptions(),
    columns,
  });
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  const verdicts = Object.fromEntries(
    result.columns.map((c) => [
      c.name,
      { method: c.method, statistic: c.statistic, drifted: c.drifted, psi: c.psi },
    ]),
  );
  process.stdout.write(
    `${JSON.stringify({
      loadSeconds: (loaded - started) / 1000,
      computeSeconds: (done - loaded) / 1000,
      seconds: (done - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      rows: table.rows,
      verdicts,
    })}\n`,
  );
}

void main();
