import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { escapeHtml, jsonForScript, scriptForInline } from '../../../src/core/report/html';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../../../src/core/report/format';

describe('report HTML helpers', () => {
  it('escapes the five HTML-significant characters and stringifies other values', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml(12.5), '12.5');
  });

  it('embeds JSON that cannot close its script block and parses back to the same value', () => {
    const value = {
      name: '</script><script>alert(1)</script>',
      other: '<!-- & -->',
      seps: 'a\u2028b\u2029c',
    };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('neutralises </script and <!-- in inlined code without changing what it means', () => {
    const source = 'const a = "</script>"; const b = `<!--`; const c = /<\\/SCRIPT>/i; const d = 1 < 2;';
    const safe = scriptForInline(source);
    assert.doesNotMatch(safe, /<\/script|<!--/i);
    const run = (code: string) => JSON.stringify(runInNewContext(`${code}; [a, b, c.source, d]`));
    assert.deepEqual(run(safe), run(source));
  });

  it('formats numbers, shares, sizes and durations for people', () => {
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(0.123456789), '0.1235');
    assert.equal(formatNumber(3.2e-30), '3.2e-30');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatPercent(2 / 3), '66.7%');
    assert.equal(formatPercent(0.5), '50%');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(12), '12 B');
    assert.equal(formatDuration(350), '350 ms');
    assert.equal(formatDuration(4200), '4.2s');
    assert.equal(formatDuration(3_722_750), '1h 02m');
  });
});
