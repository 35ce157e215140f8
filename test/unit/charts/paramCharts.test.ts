/** The param charts of the compare view (src/core/charts/paramCharts.ts), compiled and rendered by vega. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PARALLEL_AXES_DATASET,
  PARALLEL_DATASET,
  SCATTER_DATASET,
  paramScatterChart,
  parallelCoordinatesChart,
  type ParamChartRun,
} from '../../../src/core/charts/paramCharts';
import { dictFrom } from '../../../src/shared/dict';
import type { ParamValue } from '../../../src/core/runs/types';
import { renderModel } from '../../helpers/vegaRender';

function runOf(label: string, params: [string, ParamValue][], value: number | null): ParamChartRun {
  return { label, params: dictFrom(params), value };
}

const runs = [
  runOf(
    '#1 train',
    [
      ['lr', 0.1],
      ['optimizer', 'adam'],
      ['__proto__', 'x'],
    ],
    0.8,
  ),
  runOf(
    '#2 train',
    [
      ['lr', 0.01],
      ['optimizer', 'sgd'],
      ['__proto__', 'y'],
    ],
    0.9,
  ),
  runOf(
    '#3 train',
    [
      ['lr', 0.001],
      ['optimizer', '<b>adam</b>'],
    ],
    0.7,
  ),
  runOf('#4 train', [['lr', 0.5]], null),
];

describe('parallel coordinates of params and a metric', () => {
  it('draws each run with the metric as one line over an axis per param and one for the metric', async () => {
    const model = parallelCoordinatesChart('val_accuracy', ['lr', 'optimizer', '__proto__'], runs, {
      id: 'p',
    });
    const lines = model.data[PARALLEL_DATASET];
    assert.deepEqual(
      [...new Set(lines.map((r) => r.run))],
      ['#1 train', '#2 train', '#3 train'],
      'a run without the metric is left out',
    );
    const of = (run: string, axis: string) => lines.find((r) => r.run === run && r.axis === axis);
    // lr spans 0.001..0.1 linearly: 0.01 sits at (0.01 - 0.001) / 0.099.
    assert.equal(of('#1 train', 'lr')?.y, 1);
    assert.equal(of('#3 train', 'lr')?.y, 0);
    assert.ok(Math.abs((of('#2 train', 'lr')?.y as number) - 0.009 / 0.099) < 1e-12);
    // A categorical param: sorted texts spaced evenly, markup kept as text.
    assert.deepEqual(
      ['#3 train', '#1 train', '#2 train'].map((r) => [of(r, 'optimizer')?.text, of(r, 'optimizer')?.y]),
      [
        ['<b>adam</b>', 0],
        ['adam', 0.5],
        ['sgd', 1],
      ],
    );
    // The metric axis: best at the top, every row carries the run's value for the colour.
    assert.equal(of('#2 train', 'val_accuracy')?.y, 1);
    assert.deepEqual(
      lines.filter((r) => r.run === '#3 train').map((r) => r.metric),
      [0.7, 0.7, 0.7, 0.7],
    );
    // `__proto__` is a param like any other: a run without it is the category "(none)".
    const proto = lines.filter((r) => String(r.axis).startsWith('__proto__'));
    assert.deepEqual(
      proto.map((r) => r.text),
      ['x', 'y', '(none)'],
    );
    assert.deepEqual(
      model.data[PARALLEL_AXES_DATASET].map((a) => [a.bottom, a.top]),
      [
        ['0.001', '0.1'],
        ['<b>adam</b>', 'sgd'],
        ['(none)', 'y'],
        ['0.7', '0.9'],
      ],
    );
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.match(rendered.svg, /&lt;b&gt;adam&lt;\/b&gt;/, 'markup is drawn as text');
    assert.doesNotMatch(rendered.svg, /<b>/);
  });

  it('keeps a param named like the metric apart from the metric axis', () => {
    const model = parallelCoordinatesChart(
      'loss',
      ['loss'],
      [runOf('a', [['loss', 1]], 2), runOf('b', [['loss', 3]], 4)],
      {
        id: 'p',
      },
    );
    assert.deepEqual(
      model.data[PARALLEL_AXES_DATASET].map((a) => a.axis),
      ['loss', 'loss (metric)'],
    );
  });
});

describe('scatter of a param against a metric', () => {
  it('puts a numeric param on a quantitative x, one point per run with the metric', async () => {
    const model = paramScatterChart('lr', 'val_accuracy', runs, {
      id: 's',
      colors: ['red', 'green', 'blue', 'gray'],
    });
    assert.deepEqual(model.data[SCATTER_DATASET], [
      { run: '#1 train', x: 0.1, metric: 0.8 },
      { run: '#2 train', x: 0.01, metric: 0.9 },
      { run: '#3 train', x: 0.001, metric: 0.7 },
    ]);
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.equal(
      rendered.svg.match(/aria-roledescription="point"/g)?.length,
      3,
      'one point per run with the metric',
    );
  });

  it('treats text params and params some runs lack as categories, names kept as text', async () => {
    const model = paramScatterChart('__proto__', 'constructor', runs, {
      id: 's',
      colors: ['red', 'green', 'blue', 'gray'],
    });
    assert.deepEqual(
      model.data[SCATTER_DATASET].map((r) => r.x),
      ['x', 'y', '(none)'],
    );
    const rendered = await renderModel(model);
    assert.deepEqual(rendered.warnings, []);
    assert.match(rendered.svg, /constructor/);
  });
});
