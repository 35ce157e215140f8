/**
 * `npm run test:extension`: runs the extension-host suite inside code-server (VS Code 1.100.3 in a
 * browser), for machines that cannot download VS Code desktop. The workbench's `payload` URL parameter
 * loads the repository as the extension under development and out/test/extension/index.js as the test
 * entry; the workbench reports the suite's exit code through `codeAutomationExit`, which the page exposes.
 * Needs: scripts/setup-code-server.sh, `node esbuild.js`, scripts/build-extension-tests.mjs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, workbenchUrl } from '../e2e/support/browser';
import { startCodeServer } from '../e2e/support/codeServer';
import { REPO_ROOT, RESULTS_DIR } from '../e2e/support/paths';
import { createExampleWorkspace } from '../e2e/support/workspace';

const TIMEOUT_MS = Number(process.env.XLENS_TEST_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  const testsEntry = join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
  if (!existsSync(testsEntry)) {
    throw new Error(`${testsEntry} is missing: run "node scripts/build-extension-tests.mjs" first.`);
  }
  const workspace = createExampleWorkspace('penguins');
  const server = await startCodeServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
    let finish: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...args);
      // No marketplace is reachable here; its lookup failures are noise, not test output.
      if (!text.includes('open-vsx.org')) {
        (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
      }
    });
    if (process.env.XLENS_TEST_DEBUG) {
      // Browser-side messages, webview frames included, for debugging the views.
      page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[browser pageerror] ${e.message}`));
    }
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    page.on('crash', () => {
      console.error('The workbench page crashed.');
      finish(1);
    });
    const url = workbenchUrl(server.url, workspace.root, [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(join(REPO_ROOT, 'out', 'test', 'extension', 'index'))],
      ['skipWelcome', 'true'],
    ]);
    console.log(`extension-host suite in code-server ${server.url}, workspace ${workspace.root}`);
    await page.goto(url);
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.error(`The suite did not finish within ${TIMEOUT_MS} ms.`);
        resolve(1);
      }, TIMEOUT_MS).unref(),
    );
    const code = await Promise.race([exitCode, timeout]);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'extension-host-suite.png') }).catch(() => undefined);
    if (code !== 0) {
      console.error(`--- code-server output ---\n${server.output().slice(-5000)}`);
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
    workspace.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
