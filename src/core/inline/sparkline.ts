/**
 * A sparkline as a small SVG image: a polyline through the values, the last point marked. Used in
 * hovers as a `data:` URI (Markdown images in VS Code hovers accept `data:` sources), so the picture
 * needs no file and no webview.
 */

/** Size and colour of a sparkline. */
export interface SparklineOptions {
  /** Width and height in CSS pixels (default 120 × 24). */
  width?: number;
  height?: number;
  /** Stroke colour as a CSS hex colour (default a blue readable on light and dark themes). */
  color?: string;
}

/**
 * The SVG text of a sparkline of `values` (in order, left to right); non-finite values are skipped.
 * @returns the SVG, or undefined with fewer than two finite values.
 */
export function sparklineSvg(values: readonly number[], options: SparklineOptions = {}): string | undefined {
  const points = values.filter((v) => Number.isFinite(v));
  if (points.length < 2) {
    return undefined;
  }
  const width = options.width ?? 120;
  const height = options.height ?? 24;
  const color = /^#[0-9a-fA-F]{3,8}$/.test(options.color ?? '') ? (options.color as string) : '#3794ff';
  const min = Math.min(...points);
  const max = Math.max(...points);
  const pad = 2;
  const x = (i: number): number => pad + (i * (width - 2 * pad)) / (points.length - 1);
  const y = (v: number): number =>
    max === min ? height / 2 : pad + ((max - v) * (height - 2 * pad)) / (max - min);
  const coords = points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const last = points.length - 1;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${coords.join(' ')}"/>` +
    `<circle cx="${x(last).toFixed(1)}" cy="${y(points[last]).toFixed(1)}" r="2" fill="${color}"/></svg>`
  );
}

/** The sparkline as a `data:image/svg+xml;base64,…` URI, or undefined (see {@link sparklineSvg}). */
export function sparklineDataUri(
  values: readonly number[],
  options: SparklineOptions = {},
): string | undefined {
  const svg = sparklineSvg(values, options);
  return svg === undefined ? undefined : `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
