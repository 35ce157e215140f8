/**
 * Test helpers: the one headless Chromium every browser test drives (HTML reports, webviews, the real
 * editor). Debian's chromium unless `XLENS_CHROMIUM` names another binary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary the tests use: `XLENS_CHROMIUM`, else `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.XLENS_CHROMIUM ?? '/usr/bin/chromium';
}

/** Why the browser tests cannot run here (no binary at {@link chromiumPath}), or `undefined` when they can. */
export function chromiumSkipReason(): string | undefined {
  const bin = chromiumPath();
  return existsSync(bin)
    ? undefined
    : `no chromium at ${bin}: install the Debian package "chromium" (apt-get install -y chromium) or set XLENS_CHROMIUM`;
}

/**
 * Launches headless Chromium with the flags that keep it off the network and quiet.
 * @throws Error naming the missing binary and the fix when there is no Chromium.
 */
export function launchChromium(): Promise<Browser> {
  const reason = chromiumSkipReason();
  if (reason !== undefined) {
    return Promise.reject(new Error(reason));
  }
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
