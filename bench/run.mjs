// @ts-check
// `npm run bench` driver: runs every bench/*.bench.mjs and bench/*.bench.ts (TypeScript through tsx),
// one after another, each in its own Node process with the repository root as cwd.
// Usage: node bench/run.mjs [name-filter ...] [--flag ...]   e.g. `node bench/run.mjs trainer`;
// arguments starting with `--` (e.g. --keep-data) are passed to every benchmark.
// Exit code: 0 when every benchmark exited 0, else 1. Benchmarks print their own tables and ratios;
// a benchmark whose baseline tool is missing prints why and exits 0.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = readdirSync(here)
  .filter((name) => /\.bench\.(mjs|ts)$/.test(name))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmarks in ${here}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
const failed = [];
for (const name of files) {
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  const args = [
    ...(name.endsWith('.ts') ? ['--import', tsx, join(here, name)] : [join(here, name)]),
    ...flags,
  ];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed.push(name);
    console.log(`=== ${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s ===`);
  } else {
    console.log(`=== ${name} done in ${seconds} s ===`);
  }
}
if (failed.length > 0) {
  console.error(`\nFailed benchmarks: ${failed.join(', ')}`);
  process.exit(1);
}
