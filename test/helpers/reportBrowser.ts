/**
 * Helpers of the HTML report browser tests: a headless Chromium page that may load nothing but the
 * report file itself, and a log of everything that went wrong in it.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';

/** The shared launcher (honours `XLENS_CHROMIUM`). */
export { chromiumSkipReason as browserSkipReason, launchChromium } from './chromium';

/** What happened while a page was open. */
export interface PageLog {
  /** Every request the page made besides loading the report file itself (none is expected). */
  otherRequests: string[];
  /** Requests aborted by the route: anything but the report file (all of them count as failures). */
  blockedRequests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** `securitypolicyviolation` events: `<directive> <blocked URI>`. */
  cspViolations: string[];
  /** Messages of `alert`/`confirm`/`prompt` dialogs (all dismissed). */
  dialogs: string[];
}

/**
 * Opens `file` (an absolute path) in a new page with every non-`file:` request aborted, and waits until the
 * report script marks the body `data-charts="done"` or `"failed"`.
 */
export async function openReport(browser: Browser, file: string): Promise<{ page: Page; log: PageLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const page = await context.newPage();
  const log: PageLog = {
    otherRequests: [],
    blockedRequests: [],
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    dialogs: [],
  };
  const url = `file://${file}`;
  await page.route('**/*', async (route) => {
    const requested = route.request().url();
    if (requested === url) {
      await route.continue();
    } else {
      log.blockedRequests.push(requested);
      await route.abort('blockedbyclient');
    }
  });
  page.on('request', (request) => {
    if (request.url() !== url) {
      log.otherRequests.push(request.url());
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      log.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => log.pageErrors.push(String(error)));
  page.on('dialog', (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.exposeFunction('__xlensCspViolation', (text: string) => log.cspViolations.push(text));
  // Runs before the page's own script; a string because this file is type-checked without DOM types.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.__xlensCspViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));`,
  });
  await page.goto(url);
  await page.waitForSelector('body[data-charts]', { state: 'attached', timeout: 30_000 });
  return { page, log };
}

/** Asserts that nothing went wrong in the page: no request, error, CSP violation or dialog. */
export function assertCleanLog(log: PageLog): void {
  assert.deepEqual(log.otherRequests, [], 'the report requested nothing but itself');
  assert.deepEqual(log.blockedRequests, [], 'no network request was attempted');
  assert.deepEqual(log.pageErrors, [], 'no uncaught error');
  assert.deepEqual(log.consoleErrors, [], 'no console error');
  assert.deepEqual(log.cspViolations, [], 'no CSP violation');
  assert.deepEqual(log.dialogs, [], 'no dialog: the payloads stayed text');
}
