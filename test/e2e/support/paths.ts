/** Where the real-editor tests find things: the repository, the code-server install, the results folder. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumPath, chromiumSkipReason } from '../../helpers/chromium';

/** The repository root (this file is test/e2e/support/paths.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** Screenshots and logs of the real-editor tests (ignored by git). */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

/** The code-server launcher installed by scripts/setup-code-server.sh (outside the repository). */
export function codeServerBin(): string {
  const explicit = process.env.XLENS_CODE_SERVER;
  const cache = process.env.XLENS_TEST_CACHE ?? join(homedir(), '.cache', 'xlens-test');
  const bin = explicit ?? join(cache, 'code-server', 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server is not installed at ${bin}. Run "bash scripts/setup-code-server.sh" first.`);
  }
  return bin;
}

/** The browser Playwright drives: Debian's chromium unless XLENS_CHROMIUM names another. */
export function chromiumBin(): string {
  const reason = chromiumSkipReason();
  if (reason !== undefined) {
    throw new Error(reason);
  }
  return chromiumPath();
}
