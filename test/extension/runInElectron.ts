/**
 * `npm run test:vscode`: runs the extension-host suite in VS Code desktop downloaded by
 * @vscode/test-electron (needs internet access to update.code.visualstudio.com; on machines without it
 * use `npm run test:extension`, which runs the same suite inside code-server).
 */
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/support/paths';
import { createExampleWorkspace } from '../e2e/support/workspace';

async function main(): Promise<void> {
  const workspace = createExampleWorkspace('penguins');
  try {
    await runTests({
      version: process.env.XLENS_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(REPO_ROOT, 'out', 'test', 'extension', 'index'),
      launchArgs: [workspace.root, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
  } finally {
    workspace.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
