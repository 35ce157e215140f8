import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { escapeHtml, jsonForScript, scriptForInline } from '../../../src/core/report/html';

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
});
