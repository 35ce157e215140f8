/**
 * Which row of a quick pick to highlight as the user types (no `vscode` here, so it is unit-tested).
 */

/**
 * The first item whose label or description holds `filter` (case-insensitive), a row the quick pick
 * still shows when filtered by it (its fuzzy match takes any run of characters in order); undefined for
 * an empty filter or none.
 */
export function firstHolding<T extends { label: string; description?: string }>(
  items: readonly T[],
  filter: string,
): T | undefined {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') {
    return undefined;
  }
  return items.find(
    (item) =>
      item.label.toLowerCase().includes(wanted) || (item.description ?? '').toLowerCase().includes(wanted),
  );
}
