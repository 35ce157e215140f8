/**
 * Which row of a quick pick to highlight as the user types (no `vscode` here, so it is unit-tested).
 */

/** Codicon syntax (`$(pass)`, `$(sync~spin)`), which a quick pick shows as an icon and does not filter on. */
const CODICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * The row a quick pick shows on top when filtered by `filter`, as far as the text tells: of the items
 * whose label holds it (case-insensitive, codicons left out as VS Code leaves them out), the one VS Code
 * sorts first (a label starting with the text, the shorter of two such, one ending with it, then by
 * name, numbers by value: VS Code's `compareAnything`); else the first, in the order given, whose
 * description holds it (rows matching by description only keep their order). Every row holding the
 * text is one the quick pick keeps. VS Code also matches camel-case and word starts, which this leaves
 * out: such a row can show above the one chosen. Undefined for an empty filter or none.
 */
export function topHolding<T extends { label: string; description?: string }>(
  items: readonly T[],
  filter: string,
): T | undefined {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') {
    return undefined;
  }
  const plain = (text: string | undefined): string => (text ?? '').replace(CODICON, '').toLowerCase();
  let best: { item: T; name: string } | undefined;
  for (const item of items) {
    const name = plain(item.label);
    if (name.includes(wanted) && (best === undefined || before(name, best.name, wanted))) {
      best = { item, name };
    }
  }
  return best?.item ?? items.find((item) => plain(item.description).includes(wanted));
}

/** Whether label `a` sorts before label `b` (both lower case, both holding `wanted`) in VS Code's order. */
function before(a: string, b: string, wanted: string): boolean {
  const prefix = Number(b.startsWith(wanted)) - Number(a.startsWith(wanted));
  if (prefix !== 0) {
    return prefix < 0;
  }
  if (a.startsWith(wanted) && a.length !== b.length) {
    return a.length < b.length;
  }
  const suffix = Number(b.endsWith(wanted)) - Number(a.endsWith(wanted));
  if (suffix !== 0) {
    return suffix < 0;
  }
  return a.localeCompare(b, undefined, { numeric: true }) < 0;
}
