/**
 * The pure parts of the editor previews: where the cursor is in xlens.yaml, what the schema allows
 * there, the run aggregates, the logging-call table, params positions, sparklines, traceback frames,
 * quick fixes and the preview texts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { matchLine, matchText } from '../../../src/core/inline/codePatterns';
import { didYouMeanFix } from '../../../src/core/inline/didYouMean';
import { paramPositions } from '../../../src/core/inline/paramPositions';
import { RunIndex } from '../../../src/core/inline/runIndex';
import { keyAt, keysAt, METRIC_SOURCE_KINDS, TASK_KINDS } from '../../../src/core/inline/schemaKeys';
import { sparklineSvg } from '../../../src/core/inline/sparkline';
import { tracebackFrames } from '../../../src/core/inline/traceback';
import { keyPathAt, taskKindIn, yamlCursorAt } from '../../../src/core/inline/yamlContext';
import { addToSummary } from '../../../src/core/runs/summaries';
import type { MetricSummary, ParamValue, RunRecord } from '../../../src/core/runs/types';
import { lastRunTitle, metricHover, paramHint, paramHover } from '../../../src/features/inline/markdown';
import { dict } from '../../../src/shared/dict';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const PENGUINS = readFileSync('examples/penguins/xlens.yaml', 'utf8');

/** A run whose metric summaries come from the summary code the runner uses, over `series`. */
function run(
  id: string,
  task: string,
  params: Record<string, ParamValue>,
  series: Record<string, number[]>,
  status: RunRecord['status'] = 'succeeded',
): RunRecord {
  const metrics = dict<MetricSummary>();
  for (const [name, values] of Object.entries(series)) {
    let summary: MetricSummary | undefined;
    values.forEach((v, step) => (summary = addToSummary(summary, name, step, v)));
    if (summary) {
      metrics[name] = summary;
    }
  }
  const createdAt = new Date(NOW - Number(id) * 60_000).toISOString();
  return {
    schema: 1,
    id,
    task,
    kind: 'command',
    status,
    createdAt,
    command: 'python train.py',
    cwd: '/w',
    git: { commit: null, branch: null, dirty: false, snapshot: null },
    params,
    data: [],
    metrics,
    artifacts: [],
  };
}

describe('the cursor in xlens.yaml', () => {
  it('is on a task key inside tasks → train, and on the value of kind', () => {
    const lines = PENGUINS.split('\n');
    const epochs = lines.findIndex((l) => l.includes('epochs:'));
    assert.deepEqual(yamlCursorAt(PENGUINS, epochs, 6).path, ['tasks', 'train']);
    assert.equal(yamlCursorAt(PENGUINS, epochs, 6).at, 'key');
    const kind = lines.findIndex((l) => l.includes('kind: tfjs-train'));
    const cursor = yamlCursorAt(PENGUINS, kind, lines[kind].length);
    assert.equal(cursor.at, 'value');
    assert.equal(cursor.key, 'kind');
    assert.equal(cursor.prefix, 'tfjs-train');
  });

  it('follows list items, and finds a placeholder being typed', () => {
    const text = 'tasks:\n  fit:\n    run: python x.py --lr ${params.l\n    metrics:\n      - tensor\n';
    assert.deepEqual(yamlCursorAt(text, 4, 14).path, ['tasks', 'fit', 'metrics', 0]);
    assert.deepEqual(yamlCursorAt(text, 2, 41).placeholder, { namespace: 'params', typed: 'l' });
    assert.deepEqual(keyPathAt(text, 3), ['tasks', 'fit', 'metrics']);
    assert.equal(taskKindIn(PENGUINS, 'eval'), 'tfjs-eval');
    assert.equal(taskKindIn(text, 'fit'), undefined);
  });
});

describe('what the schema allows', () => {
  it('offers the keys of the task kind with their documentation', () => {
    const train = keysAt(['tasks', 'train'], 'tfjs-train').map((k) => k.name);
    assert.ok(train.includes('epochs') && train.includes('early_stopping') && !train.includes('run'));
    const command = keysAt(['tasks', 'x']);
    assert.ok(command.find((k) => k.name === 'run')?.required);
    assert.match(keyAt(['tasks', 'x', 'timeout'])?.description ?? '', /90s/);
    assert.deepEqual(keyAt(['tasks', 'x', 'kind'])?.values, [
      'command',
      'tfjs-train',
      'tfjs-eval',
      'drift',
      'eval',
      'monitor',
    ]);
    assert.match(keyAt(['tasks', 'x', 'kind'], 'drift')?.description ?? '', /built-in job/);
    assert.deepEqual(TASK_KINDS, ['command', 'tfjs-train', 'tfjs-eval', 'drift', 'eval', 'monitor']);
    assert.deepEqual(
      keysAt(['tasks', 'x', 'metrics', 0]).map((k) => k.name),
      [...METRIC_SOURCE_KINDS],
    );
    assert.ok(METRIC_SOURCE_KINDS.includes('tensorboard'));
  });
});

describe('the run index', () => {
  const runs = [
    run('1', 'train', { lr: 0.003, epochs: 10 }, { val_accuracy: [0.9, 0.95, 0.972], loss: [1, 0.5, 0.2] }),
    run('2', 'train', { lr: 0.01, epochs: 10 }, { val_accuracy: [0.8, 0.962], loss: [1, 0.4] }),
    run('3', 'train', { lr: 0.1, epochs: 10 }, { val_accuracy: [0.5, 0.6], loss: [2, 1.5] }),
    run('4', 'eval', {}, { accuracy: [0.9] }),
  ];
  const index = new RunIndex(runs, { runs: 20 });

  it('gives the key metric and its change against the previous run', () => {
    const change = index.keyMetricChange('train');
    assert.equal(change?.name, 'val_accuracy');
    assert.equal(change?.value, 0.972);
    assert.ok(Math.abs((change?.delta ?? 0) - 0.01) < 1e-9);
    assert.match(lastRunTitle(runs[0], change, NOW), /succeeded val_accuracy 0\.972 ▲0\.01 · 1 min ago/);
  });

  it('names the best run of a varied param, and only of a varied one', () => {
    const lr = index.param('lr', 'train');
    assert.equal(lr?.distinct, 3);
    assert.equal(lr?.best?.value, 0.003);
    assert.equal(paramHint(lr), '◂ best val_accuracy 0.972 at 0.003');
    assert.equal(paramHint(index.param('epochs', 'train')), undefined);
    const hover = paramHover('lr', lr, NOW);
    assert.match(hover, /\| 0\.1 \| 0\.6 \|/);
    assert.match(hover, /data:image\/svg\+xml;base64,/);
  });

  it('keeps a metric per scope and the best by its goal', () => {
    const loss = index.metric('loss', 'train');
    assert.equal(loss?.goal, 'min');
    assert.equal(loss?.runs.length, 3);
    assert.equal(index.metric('accuracy', 'train'), undefined);
    assert.equal(index.metric('accuracy')?.runs[0].run.id, '4');
    const hover = metricHover(loss, 'train', NOW);
    assert.match(hover, /last 0\.2 at step 2, best 0\.2 at step 2/);
    assert.match(hover, /Best of 3 runs: 0\.2 in `1`/);
    assert.doesNotMatch(hover, /!\[steps\]/, 'no steps sparkline before the series is read');
    const points = [0.9, 0.5, 0.2].map((value, step) => ({ step, value }));
    const withSteps = metricHover(loss, 'train', NOW, undefined, points);
    const steps = /Latest run over steps 0–2: !\[steps\]\(data:image\/svg\+xml;base64,([^)]+)\)/.exec(
      withSteps,
    );
    assert.ok(steps, withSteps);
    // The picture is the latest run's own series (3 points), not the trend over runs.
    assert.equal(Buffer.from(steps[1], 'base64').toString(), sparklineSvg([0.9, 0.5, 0.2]));
    assert.match(withSteps, /Last value over the runs, oldest to newest: !\[trend\]/);
    assert.doesNotMatch(metricHover(loss, 'train', NOW, undefined, points.slice(0, 1)), /!\[steps\]/);
  });

  it('counts only the last N runs of each task', () => {
    const small = new RunIndex(runs, { runs: 1, keyMetric: 'loss' });
    assert.equal(small.scope('train').runs.length, 1);
    assert.equal(small.param('lr', 'train')?.distinct, 1);
    assert.equal(small.scope('train').keyMetric, 'loss');
  });
});

describe('logging calls and param reads in Python', () => {
  it('finds the metric names of each library', () => {
    const names = (line: string): string[] => matchLine(line).map((m) => `${m.source}:${m.name}`);
    assert.deepEqual(names('mlflow.log_metric("val_loss", v, step=s)'), ['MLflow:val_loss']);
    assert.deepEqual(names("mlflow.log_metrics({'a': 1, \"b\": {'x': 2}})"), ['MLflow:a', 'MLflow:b']);
    assert.deepEqual(names('writer.add_scalar("loss", loss, step)'), ['TensorBoard:loss']);
    assert.deepEqual(names('self.log("val_acc", acc)'), ['Lightning:val_acc']);
    assert.deepEqual(names('live.log_metric("acc", acc)'), ['DVCLive:acc']);
    assert.deepEqual(names('wandb.log({"loss": loss})'), ['W&B:loss']);
    assert.deepEqual(names('EarlyStopping(monitor="val_loss")'), ['Keras:val_loss']);
    assert.deepEqual(names('f.write(json.dumps({"step": i, "values": {"loss": l}}))'), [
      'metrics protocol:loss',
    ]);
    assert.deepEqual(names('# mlflow.log_metric("gone", 1)'), []);
  });

  it('finds param reads, attribute reads marked as needing a known param', () => {
    const [arg] = matchLine('parser.add_argument("--batch-size", type=int)');
    assert.equal(arg.name, 'batch_size');
    assert.equal(matchLine('lr = params["lr"]')[0].name, 'lr');
    const attr = matchLine('opt = Adam(cfg.model.lr)')[0];
    assert.equal(attr.name, 'model.lr');
    assert.ok(attr.onlyKnown);
    const text = 'import mlflow\nmlflow.log_metric("acc", 1)\n\nwriter.add_scalar("loss", 2)\n';
    assert.deepEqual([...matchText(text).keys()], [1, 3]);
    const [m] = matchText(text).get(1)!;
    assert.equal(text.split('\n')[1].slice(m.start, m.end), 'acc');
  });
});

describe('params positions, sparklines, tracebacks and quick fixes', () => {
  it('places flattened params at their keys and the ends of their values', () => {
    const text = 'lr: 0.01\nmodel:\n  layers: [16, 8]\n  dropout: 0.1 # rate\n';
    const positions = paramPositions(text);
    assert.deepEqual(
      positions.map((p) => p.name),
      ['lr', 'model.layers.0', 'model.layers.1', 'model.dropout'],
    );
    const dropout = positions[3];
    assert.equal(text.split('\n')[dropout.line].slice(dropout.keyStart, dropout.keyEnd), 'dropout');
    assert.equal(dropout.valueEnd, '  dropout: 0.1'.length);
    const inline = paramPositions(PENGUINS.replace('seed: 42', 'params: { seed: 42 }'), [
      'tasks',
      'train',
      'params',
    ]);
    assert.deepEqual(
      inline.map((p) => p.name),
      ['seed'],
    );
  });

  it('draws a sparkline only from two finite values', () => {
    assert.equal(sparklineSvg([1]), undefined);
    const svg = sparklineSvg([1, NaN, 3, 2]) ?? '';
    assert.match(svg, /<polyline[^>]*points="2\.0,22\.0 60\.0,2\.0 118\.0,12\.0"/);
  });

  it('finds traceback frames but not pseudo files', () => {
    const out =
      'Traceback (most recent call last):\n  File "train.py", line 12, in <module>\n  File "<string>", line 1\n';
    const [frame, ...rest] = tracebackFrames(out);
    assert.deepEqual(rest, []);
    assert.equal(frame.file, 'train.py');
    assert.equal(frame.line, 12);
    assert.equal(out.split('\n')[1].slice(frame.start, frame.end), '"train.py", line 12');
  });

  it('turns "Did you mean" messages into edits', () => {
    assert.deepEqual(didYouMeanFix('unknown key "epoch" in task "train". Did you mean "epochs"?', 'epoch'), {
      suggestion: 'epochs',
      replacement: 'epochs',
      offset: 0,
      length: 5,
    });
    const fix = didYouMeanFix('unknown param "lrr" in ${params.lrr}. Did you mean "lr"?', '${params.lrr}');
    assert.equal(fix?.offset, 9);
    const runs = didYouMeanFix(
      '${runs.trian.latest} names no task "trian". Did you mean "${runs.train.latest}"?',
      '${runs.trian.latest}',
    );
    assert.equal(runs?.length, '${runs.trian.latest}'.length);
    assert.equal(didYouMeanFix('epochs must be a number', 'many'), undefined);
  });
});
