/**
 * The confusion-matrix heatmap of a classification evaluation (the built-in trainer's
 * `artifacts/evaluation.json`): actual class down, predicted class across, each cell shaded by the share
 * of its actual class (so a rare class reads as clearly as a common one) and labelled with its count.
 * Like every spec in core it carries no colours: the cells use the theme's mark colour with opacity.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartModel } from '../../protocol/charts';
import { VEGA_LITE_SCHEMA } from './lineChart';
import { vegaCategory } from './vegaText';

/** Name of the heatmap's dataset; rows are {@link ConfusionRow}s. */
export const CONFUSION_DATASET = 'cells';

/** Above this many classes the cells are small and lose their count labels. */
const LABELLED_UP_TO = 20;

/** A cell of the heatmap. */
export interface ConfusionRow {
  [field: string]: string | number;
  /** The class name, made safe for vega's keys ({@link vegaCategory}). */
  actual: string;
  predicted: string;
  /** Positions of the classes in `labels`: the axes sort by them, never by names. */
  actualOrder: number;
  predictedOrder: number;
  count: number;
  /** `count` / rows of the actual class (0 when the class has no rows). */
  share: number;
}

/** The matrix as the trainer writes it: `matrix[actual][predicted]`, both indexed like `labels`. */
export interface ConfusionMatrix {
  labels: readonly string[];
  matrix: readonly (readonly number[])[];
}

/** One row per cell, in label order. */
export function confusionRows(confusion: ConfusionMatrix): ConfusionRow[] {
  const rows: ConfusionRow[] = [];
  const names = confusion.labels.map(vegaCategory);
  names.forEach((actual, a) => {
    const counts = confusion.matrix[a] ?? [];
    const total = counts.reduce((sum, v) => sum + v, 0);
    names.forEach((predicted, p) => {
      const count = counts[p] ?? 0;
      rows.push({
        actual,
        predicted,
        actualOrder: a,
        predictedOrder: p,
        count,
        share: total === 0 ? 0 : count / total,
      });
    });
  });
  return rows;
}

/**
 * Builds the heatmap.
 * @param id chart id, unique in the page (e.g. `confusion:validation`).
 * @throws Error when the matrix is not `labels.length` × `labels.length`.
 */
export function confusionChart(id: string, title: string, confusion: ConfusionMatrix): ChartModel {
  const k = confusion.labels.length;
  if (confusion.matrix.length !== k || confusion.matrix.some((row) => row.length !== k)) {
    throw new Error(`confusionChart ${id}: the matrix must be ${k} × ${k} like its labels`);
  }
  const labelled = k <= LABELLED_UP_TO;
  const cell = labelled ? Math.max(28, Math.min(56, Math.floor(360 / Math.max(1, k)))) : 12;
  // Sorted by position: a sort array would put class names into vega expressions, where a name such
  // as `constructor` breaks the view (see `vegaText.ts`).
  const axis = (title: 'actual' | 'predicted') => ({
    field: title,
    type: 'nominal' as const,
    sort: { field: `${title}Order`, op: 'min' as const },
    title: `${title} class`,
    axis: { labelLimit: 160, labelAngle: 0 },
  });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, anchor: 'start' },
    data: { name: CONFUSION_DATASET },
    width: { step: cell },
    height: { step: cell },
    encoding: { x: axis('predicted'), y: axis('actual') },
    layer: [
      {
        mark: { type: 'rect', stroke: null },
        encoding: {
          // Opacity, not a colour scale: the theme's mark colour stays the only colour.
          opacity: {
            field: 'share',
            type: 'quantitative',
            scale: { domain: [0, 1], range: [0.04, 1] },
            legend: null,
          },
          tooltip: [
            { field: 'actual', title: 'actual' },
            { field: 'predicted', title: 'predicted' },
            { field: 'count', type: 'quantitative', title: 'rows' },
            { field: 'share', type: 'quantitative', title: 'share of actual', format: '.1%' },
          ],
        },
      },
      ...(labelled
        ? [
            {
              mark: { type: 'text' as const, fontSize: 11 },
              encoding: {
                text: { field: 'count', type: 'quantitative' as const },
                opacity: {
                  condition: { test: 'datum.count > 0', value: 1 },
                  value: 0.35,
                },
              },
            },
          ]
        : []),
    ],
  };
  return { id, title, spec, data: { [CONFUSION_DATASET]: confusionRows(confusion) } };
}
