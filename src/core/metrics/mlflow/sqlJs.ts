/**
 * Loads sql.js (SQLite compiled to WebAssembly), so MLflow databases are read in-process on any
 * platform without a native module. The wasm binary is looked up next to the bundles
 * (`dist/wasm/sql-wasm.wasm`, copied by esbuild.js) and in `node_modules/sql.js/dist/` when running
 * from sources.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * The path of `sql-wasm.wasm`.
 * @throws Error naming the places searched when the file is in none of them.
 */
export function locateSqlWasm(): string {
  const candidates = [
    join(__dirname, 'wasm', 'sql-wasm.wasm'),
    join(__dirname, '..', 'wasm', 'sql-wasm.wasm'),
  ];
  try {
    candidates.push(require.resolve('sql.js/dist/sql-wasm.wasm'));
  } catch {
    // Not resolvable from a bundle without node_modules; the dist/wasm copy is the one to use then.
  }
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw new Error(
      `sql-wasm.wasm not found (looked in ${candidates.join(', ')}); run "npm run build" or "npm install".`,
    );
  }
  return found;
}

/** The sql.js module, initialised once per process (or worker). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= Promise.resolve().then(() => {
    const wasm = readFileSync(locateSqlWasm());
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    return initSqlJs({ wasmBinary });
  });
  return loading;
}
