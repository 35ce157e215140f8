/**
 * HTML shell of every Experiment Lens webview: one script bundle (`dist/webviews/<view>.js`) loaded
 * under a strict Content Security Policy — nothing by default, scripts and styles only with this
 * page's nonce or from the extension's own resources, no `unsafe-eval` (vega runs its expressions
 * through `webviews/shared/compiledExpressions.ts`), no `unsafe-inline` scripts, no network.
 */
import { escapeHtml } from '../core/report/html';

/** The page's nonce: the same generator as the HTML reports' (`src/core/report/html.ts`). */
export { createNonce } from '../core/report/html';

/**
 * The webview bundles that start Web Workers: the experiments table's draws canvas tiles ahead of a scroll
 * in one (webviews/table/tileFarm.ts). Their script is the bundle's own, started from a `blob:` URL,
 * since VS Code serves a webview's files from another origin than the page's.
 */
const WORKER_BUNDLES: ReadonlySet<string> = new Set(['table']);

/** Whether the page of webview bundle `bundle` (`table` for dist/webviews/table.js) starts workers. */
export function bundleStartsWorkers(bundle: string): boolean {
  return WORKER_BUNDLES.has(bundle);
}

/**
 * The Content-Security-Policy for a page. `cspSource` is `webview.cspSource` (the origin serving
 * local resources). Styles also accept the nonce, for the `<style>` elements the chart library
 * and the UI toolkit insert with it. Workers only when `workers`, and then only from `blob:` URLs the
 * page's own script made (which only a script the nonce admitted can make).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, workers = false): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `connect-src 'none'`,
    workers ? `worker-src blob:` : `worker-src 'none'`,
    `frame-src 'none'`,
    `form-action 'none'`,
    `base-uri 'none'`,
  ].join('; ');
}

/** Inputs of {@link renderWebviewHtml}. */
export interface WebviewPage {
  /** Document title (also what screen readers announce). */
  title: string;
  /** URI of the script bundle, already converted with `webview.asWebviewUri`. */
  scriptUri: string;
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** Optional stylesheet URI (converted with `asWebviewUri`), e.g. from `media/`. */
  styleUri?: string;
  /** Whether the page may start workers from `blob:` URLs ({@link bundleStartsWorkers}). */
  workers?: boolean;
}

/**
 * The page: CSP meta, a `<meta property="csp-nonce">` carrying the nonce for the `<style>` elements
 * scripts create (the name the UI toolkit's FAST library reads; our views read it too), an empty
 * `#app` root the script renders into, and the script itself.
 */
export function renderWebviewHtml(page: WebviewPage): string {
  const nonce = escapeHtml(page.nonce);
  const style = page.styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(page.styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce, page.workers))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${nonce}">${style}
  <title>${escapeHtml(page.title)}</title>
</head>
<body>
  <main id="app" aria-busy="true"></main>
  <script nonce="${nonce}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
