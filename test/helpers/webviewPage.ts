/**
 * Test helpers: a webview (webviews/<view>) in headless Chromium, in the page the extension gives it (the
 * strict CSP of src/webview/html.ts with a nonce, no network) with a stand-in for the VS Code webview API
 * that records what the view posts, and a log of everything that went wrong in the page.
 */
import { basename, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { webviewBundleOptions } from '../../scripts/esbuildOptions.mjs';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { bundleStartsWorkers, renderWebviewHtml } from '../../src/webview/html';
import { launchChromium } from './chromium';

const repoRoot = join(__dirname, '../..');

/**
 * Builds the current sources of `webviews/<view>/main.ts` into `outdir` (the options of esbuild.js for
 * webviews); returns the path of `<view>.js`.
 */
export async function buildViewBundle(view: string, outdir: string): Promise<string> {
  await build({
    ...webviewBundleOptions(repoRoot),
    entryPoints: { [view]: join(repoRoot, 'webviews', view, 'main.ts') },
    outdir,
    logLevel: 'warning',
  });
  return join(outdir, `${view}.js`);
}

/** What went wrong in the page; every list is empty when all is well. */
export interface ViewProblems {
  /** `console.error` output. */
  console: string[];
  /** Uncaught errors. */
  page: string[];
  /** Messages of `alert`/`confirm`/`prompt` dialogs (all dismissed). */
  dialogs: string[];
  /** Requests for anything but `file:` URLs. */
  requests: string[];
  /** `securitypolicyviolation` events: directive, blocked URI, sample, source and line. */
  csp: string[];
}

/** A message as the view posted it. */
export interface PostedMessage {
  type: string;
  payload: unknown;
}

/** An open view; `HostMessage` is what the host may post to it. */
export interface ViewPage<HostMessage = unknown> {
  page: Page;
  problems: ViewProblems;
  /** Every message the view posted so far. */
  posted: () => Promise<PostedMessage[]>;
  /** The messages of the view's `webview/error` reports. */
  viewErrors: () => Promise<string[]>;
  /** Posts a message to the view as the host does. */
  post: (message: HostMessage) => Promise<void>;
}

/** Options of {@link openWebview}. */
export interface OpenWebviewOptions {
  /** Folder for the page's HTML file. */
  dir: string;
  /** CSS variables VS Code would set on `<html>` for a theme. */
  theme?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** What `getState()` returns when the view starts (a view shown again, or restored after a reload). */
  state?: unknown;
  /** A script run in the page before the view's, after the stand-in for VS Code's API. */
  initScript?: string;
}

/**
 * Waits until `expression` is true in the page. Polls with `page.evaluate` (run through the DevTools
 * protocol) because `waitForFunction` with a string evaluates it inside the page, which the CSP under
 * test rightly forbids.
 */
export async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${expression}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Opens the view of `bundle` in a new offline context and waits for its `webview/ready`.
 */
export async function openWebview<HostMessage = unknown>(
  browser: Browser,
  bundle: string,
  options: OpenWebviewOptions,
): Promise<ViewPage<HostMessage>> {
  const html = renderWebviewHtml({
    title: 'View',
    scriptUri: `file://${bundle}`,
    cspSource: 'file:',
    nonce: 'dGVzdC1ub25jZS0xMjM0NQ==',
    // The panel's policy for this bundle (dist/webviews/<bundle>.js).
    workers: bundleStartsWorkers(basename(bundle, '.js')),
  });
  const file = join(options.dir, `view-${Date.now()}-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, html);
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 1000 },
    offline: true,
  });
  const page = await context.newPage();
  const problems: ViewProblems = { console: [], page: [], dialogs: [], requests: [], csp: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') {
      problems.console.push(m.text());
    }
  });
  page.on('pageerror', (e) => problems.page.push(String(e)));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    // The page's files, and blobs its own script made (the table's tile worker): anything else is network.
    if (!r.url().startsWith('file://') && !r.url().startsWith('blob:')) {
      problems.requests.push(r.url());
    }
  });
  await page.exposeFunction('__cspViolation', (text: string) => problems.csp.push(text));
  // The stand-in for VS Code's webview API, installed before the view's script runs. The CSP listener is
  // on the document in the capture phase, so it sees violations from shadow roots and before the view's own.
  await page.addInitScript({
    content: `
      window.__posted = [];
      let state = ${JSON.stringify(options.state ?? null)} ?? undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => state,
        setState: (s) => { state = s; },
      });
      const theme = ${JSON.stringify(options.theme ?? {})};
      document.addEventListener('DOMContentLoaded', () => {
        for (const [name, value] of Object.entries(theme)) {
          document.documentElement.style.setProperty(name, value);
        }
      });
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolation(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' "' + e.sample + '" ' + e.sourceFile + ':' + e.lineNumber), true);`,
  });
  if (options.initScript !== undefined) {
    await page.addInitScript({ content: options.initScript });
  }
  await page.goto(`file://${file}`);
  await until(page, 'window.__posted.some((m) => m.type === "webview/ready")');
  const posted = (): Promise<PostedMessage[]> => page.evaluate<PostedMessage[]>('window.__posted');
  return {
    page,
    problems,
    posted,
    viewErrors: async () =>
      (await posted())
        .filter((m) => m.type === 'webview/error')
        .map((m) => (m.payload as { message: string }).message),
    post: (message) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`),
  };
}

/** A suite's Chromium and the bundle of the view it opens, ready once the suite's `before` hooks ran. */
export interface ChromiumView {
  readonly browser: Browser;
  /** Path of the view's built script. */
  readonly bundle: string;
}

/**
 * Registers the hooks of a suite that opens view `view` in headless Chromium: before its tests, builds
 * the view's bundle into `dir` and launches Chromium; after them, closes it. Call inside `describe`.
 */
export function chromiumView(view: string, dir: string): ChromiumView {
  const suite: { browser?: Browser; bundle?: string } = {};
  before(async () => {
    suite.bundle = await buildViewBundle(view, dir);
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
  });
  return {
    get browser(): Browser {
      return suite.browser!;
    },
    get bundle(): string {
      return suite.bundle!;
    },
  };
}
