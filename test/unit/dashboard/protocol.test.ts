import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_VIEW_ERROR_LENGTH, parseDashboardViewMessage } from '../../../src/protocol/dashboard';
import { bundleStartsWorkers, contentSecurityPolicy, renderWebviewHtml } from '../../../src/webview/html';

describe('dashboard protocol: messages from the view are validated', () => {
  it('accepts the three message types with well-formed payloads', () => {
    assert.deepEqual(parseDashboardViewMessage({ type: 'webview/ready', payload: { version: 1 } }), {
      type: 'webview/ready',
      payload: { version: 1 },
    });
    assert.deepEqual(
      parseDashboardViewMessage({
        type: 'dashboard/showOutput',
        payload: { runId: '20261124T090612Z-7f3a' },
      }),
      {
        type: 'dashboard/showOutput',
        payload: { runId: '20261124T090612Z-7f3a' },
      },
    );
    assert.deepEqual(parseDashboardViewMessage({ type: 'webview/error', payload: { message: 'boom' } }), {
      type: 'webview/error',
      payload: { message: 'boom' },
    });
  });

  it('rejects malformed messages with a reason instead of throwing', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      ['webview/ready', /not an object/],
      [{ payload: {} }, /no string "type"/],
      [{ type: 'webview/ready' }, /no object "payload"/],
      [{ type: 'webview/ready', payload: { version: 2 } }, /version 1/],
      [{ type: 'dashboard/showOutput', payload: { runId: '../../etc' } }, /run id/],
      [{ type: 'dashboard/showOutput', payload: { runId: 42 } }, /run id/],
      [{ type: 'webview/error', payload: { message: { toString: 1 } } }, /string payload.message/],
      [
        { type: 'dashboard/deleteEverything', payload: {} },
        /unknown message type "dashboard\/deleteEverything"/,
      ],
    ];
    for (const [input, reason] of cases) {
      const result = parseDashboardViewMessage(input);
      assert.equal(typeof result, 'string', `expected a rejection for ${JSON.stringify(input)}`);
      assert.match(result as string, reason);
    }
  });

  it('cuts error messages from the view to a bounded length', () => {
    const result = parseDashboardViewMessage({
      type: 'webview/error',
      payload: { message: 'x'.repeat(10_000) },
    });
    assert.ok(typeof result !== 'string' && result.type === 'webview/error');
    assert.equal(result.payload.message.length, MAX_VIEW_ERROR_LENGTH);
  });
});

describe('webview page', () => {
  it('allows scripts only by nonce and never eval or inline code', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /connect-src 'none'/);
    assert.match(csp, /worker-src 'none'/);
  });

  it('lets only the experiments table start workers, and only from blob: URLs of its own script', () => {
    assert.equal(bundleStartsWorkers('table'), true);
    for (const bundle of ['dashboard', 'compare', 'drift', 'report', 'tab1e']) {
      assert.equal(bundleStartsWorkers(bundle), false, bundle);
    }
    const csp = contentSecurityPolicy('https://res', 'abc123', true);
    assert.match(csp, /worker-src blob:(;|$)/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|\*/);
    const html = renderWebviewHtml({
      title: 't',
      scriptUri: 'https://res/t.js',
      cspSource: 'https://res',
      nonce: 'n',
      workers: true,
    });
    assert.match(html, /worker-src blob:/);
    assert.match(
      renderWebviewHtml({ title: 't', scriptUri: 'https://res/t.js', cspSource: 'https://res', nonce: 'n' }),
      /worker-src &#39;none&#39;/,
    );
  });

  it('loads the bundle with the nonce and escapes the title', () => {
    const html = renderWebviewHtml({
      title: 'train <run> & "x"',
      scriptUri: 'https://res/dist/webviews/dashboard.js',
      cspSource: 'https://res',
      nonce: 'N0nce+/=',
    });
    assert.match(
      html,
      /<script nonce="N0nce\+\/=" src="https:\/\/res\/dist\/webviews\/dashboard.js"><\/script>/,
    );
    assert.match(html, /<title>train &lt;run&gt; &amp; &quot;x&quot;<\/title>/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    // The UI toolkit (FAST) tags the <style> elements it creates with this nonce.
    assert.match(html, /<meta property="csp-nonce" content="N0nce\+\/=">/);
  });
});
