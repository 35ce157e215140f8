/**
 * Entry of the extension-host suite (yo-code convention): VS Code loads this module in the extension host
 * and calls `run()`, which runs every bundled `*.vscode.test.js` beside it with mocha. The same bundle
 * runs under @vscode/test-electron (`npm run test:vscode`) and inside code-server (`npm run test:extension`).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 120_000,
    // A failing test must fail the run; do not stop at the first one so the report is complete.
    bail: false,
    reporter: 'spec',
  });
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.vscode.test.js'))
    .sort();
  for (const file of files) {
    mocha.addFile(join(__dirname, file));
  }
  const grep = process.env.XLENS_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) {
        reject(new Error(`${failures} extension-host test(s) failed`));
      } else {
        resolve();
      }
    });
  });
}
