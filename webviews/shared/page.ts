/**
 * What every view's page does around its own drawing, written once: report failures to the host
 * (`webview/error`: script errors, rejected promises, Content-Security-Policy violations), add the
 * shared and the view's styles under the page's nonce, register the UI toolkit, pass the host's
 * enveloped messages to the view, redraw on a theme change, and post `webview/ready` last, when the view
 * listens. The view keeps its exhaustive `switch` over its own message types.
 */
import { isEnvelope, type MessageOf, type PageViewMessages } from '../../src/protocol/messages';
import baseStyles from './base.css';
import { registerToolkit } from './toolkit';
import { getVsCodeApi } from './vscodeApi';

const api = getVsCodeApi<MessageOf<PageViewMessages>, unknown>();

/** Tells the host that something failed in the view (the host logs it). */
export function reportError(message: string): void {
  api.postMessage({ type: 'webview/error', payload: { message } });
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

/** Adds `css` as a `<style>` carrying the page's nonce (the CSP refuses styles without it). */
function injectStyles(css: string): void {
  const style = document.createElement('style');
  const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.content;
  if (nonce) {
    style.nonce = nonce;
  }
  style.textContent = css;
  document.head.append(style);
}

/** How a view answers the page: its host messages, and optionally theme changes. */
export interface ViewHandlers<HostMessage> {
  /** One message from the host, already checked for the `{type, payload}` envelope. */
  onMessage: (message: HostMessage) => void;
  /** The theme changed (the body's class): redraw what carries colours. A rejection is reported. */
  onThemeChange?: () => void | Promise<void>;
}

/** What {@link startView} needs from a view. */
export interface ViewOptions<HostMessage> {
  /** The view's own CSS, added after the shared base styles. */
  styles: string;
  /**
   * Builds the view in `#app` (restoring saved state if it has any) and returns its handlers; called
   * after the styles and the toolkit are in place and before the page listens to the host.
   */
  create(app: HTMLElement): ViewHandlers<HostMessage>;
}

/**
 * Starts a view's page. Failures anywhere in the page (an `error`, an `unhandledrejection`, a
 * `securitypolicyviolation`) are posted as `webview/error`.
 * @throws Error when the page has no `#app` element (the host's HTML always has one).
 */
export function startView<HostMessage>(options: ViewOptions<HostMessage>): void {
  window.addEventListener('securitypolicyviolation', (e) =>
    reportError(
      `Content-Security-Policy blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective}) ` +
        `at ${e.sourceFile || 'the page'}:${e.lineNumber}:${e.columnNumber}${e.sample ? ` "${e.sample}"` : ''}`,
    ),
  );
  window.addEventListener('error', (e) => reportError(String(e.message)));
  window.addEventListener('unhandledrejection', (e) =>
    reportError(`unhandled rejection: ${describeReason(e.reason)}`),
  );
  injectStyles(`${baseStyles}\n${options.styles}`);
  registerToolkit();
  const app = document.getElementById('app');
  if (!app) {
    throw new Error('The page has no #app element to draw into.');
  }
  const view = options.create(app);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Messages come from the host only; still, ignore anything without our envelope.
    if (isEnvelope(event.data)) {
      view.onMessage(event.data as HostMessage);
    }
  });
  const { onThemeChange } = view;
  if (onThemeChange) {
    new MutationObserver(() => {
      Promise.resolve()
        .then(onThemeChange)
        .catch((error: unknown) => reportError(`redrawing for the theme failed: ${describeReason(error)}`));
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
  api.postMessage({ type: 'webview/ready', payload: { version: 1 } });
}
