/**
 * Safe building blocks for the standalone HTML reports: every text that reaches the page (run fields,
 * param names and values, column names, categories) goes through {@link escapeHtml}, and data embedded for
 * the page's script goes through {@link jsonForScript}.
 */
import { randomBytes } from 'node:crypto';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values (`& < > " '`).
 * `null`/`undefined` become the empty string; other values are converted with `String`.
 */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Serialises `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are
 * written as `\u003c`, `\u003e`, `\u0026` (so no `</script>` or `<!--` can end or alter the block), and
 * U+2028/U+2029 as escapes. `JSON.parse` of the element's text gives `value` back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Makes JavaScript source safe to inline in `<script>`: the sequences `</script` and `<!--` (which end or
 * change the HTML parser's script state) are rewritten with `\x3C` for `<`. Both can only occur inside
 * string, template, regular expression literals or comments, where `\x3C` means the same character.
 */
export function scriptForInline(source: string): string {
  return source.replace(/<(?=\/script|!--)/gi, '\\x3C');
}

/** A fresh CSP nonce: 16 random bytes, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}
