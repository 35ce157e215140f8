/**
 * Metrics where the code is, asked through the editor's own provider commands on the penguins example
 * with real runs: the built-in trainer's `train`, and `fit`, a Python script (added here) that writes
 * the metrics protocol and holds `mlflow.log_metric` / `writer.add_scalar` lines, run twice by the
 * runner with two learning rates.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/types';
import type { XlensApi } from '../../../src/features/api';
import { waitFor, workspaceRoot, xlensApi } from './helpers';

const TRAIN_PY = `"""Trains nothing: writes a loss and an accuracy that depend on --lr, as a real script would log them."""
import argparse
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01)
args = parser.parse_args()
LOGGERS = os.environ.get("TRAIN_LOGGERS") == "1"

with open(os.environ["XLENS_METRICS_FILE"], "a") as metrics:
    for step in range(5):
        loss = 1.0 / (step + 1) + args.lr
        val_loss = loss * 1.1
        val_accuracy = 0.97 - abs(args.lr - 0.003) * 2 - 0.01 * (4 - step)
        metrics.write(json.dumps({"step": step, "values": {"loss": loss, "val_loss": val_loss, "val_accuracy": val_accuracy}}) + "\\n")
        if LOGGERS:
            import mlflow
            from torch.utils.tensorboard import SummaryWriter
            writer = SummaryWriter()
            mlflow.log_metric("val_loss", val_loss, step=step)
            writer.add_scalar("loss", loss, step)
`;

const FIT_TASK = `  fit:
    description: a Python script that writes the metrics protocol
    run: python3 train.py --lr \${params.lr}
    params: params.yaml
  live:
    description: writes one metric line, then runs until live.stop exists
    run: python3 live.py
`;

/** A run that stays running: the test writes its next metric lines, as a training loop would. */
const LIVE_PY = `import json, os, time
with open(os.environ["XLENS_METRICS_FILE"], "a") as metrics:
    metrics.write(json.dumps({"step": 0, "values": {"live_loss": 0.5}}) + "\\n")
while not os.path.exists("live.stop"):
    time.sleep(0.05)
`;

function text(contents: vscode.Hover['contents']): string {
  return contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

function label(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
}

async function finished(api: XlensApi, started: RunRecord): Promise<RunRecord> {
  return waitFor(
    `run ${started.id} (${started.task}) to finish`,
    () => {
      const run = api.runs.get(started.id);
      return run && ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    },
    280_000,
  );
}

/** The position of the `occurrence`-th `needle` in `document`, moved by `offset` characters. */
function positionOf(document: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${document.uri.fsPath} holds ${needle}`);
  return document.positionAt(at + offset);
}

describe('inline previews', () => {
  const root = workspaceRoot();
  const configFile = join(root, 'xlens.yaml');
  const original = readFileSync(configFile, 'utf8');
  let api: XlensApi;
  let trainRun: RunRecord;
  let fitRuns: RunRecord[];

  before(async function () {
    this.timeout(600_000);
    api = await xlensApi();
    writeFileSync(join(root, 'train.py'), TRAIN_PY);
    writeFileSync(join(root, 'live.py'), LIVE_PY);
    writeFileSync(join(root, 'params.yaml'), 'lr: 0.01\nbatch: 32\n');
    writeFileSync(configFile, `${original.trimEnd()}\n${FIT_TASK}`);
    await waitFor('task fit in the Tasks model', () => api.tasks.task('fit'));
    trainRun = await finished(api, await api.startRun('train'));
    fitRuns = [
      await finished(api, await api.startRun('fit', { lr: 0.003 })),
      await finished(api, await api.startRun('fit')),
    ];
    for (const run of [trainRun, ...fitRuns]) {
      assert.equal(
        run.status,
        'succeeded',
        `run ${run.id} (${run.task}) ended ${run.status}: ${run.error ?? ''}`,
      );
    }
  });

  after(() => {
    writeFileSync(configFile, original);
    rmSync(join(root, 'train.py'), { force: true });
    rmSync(join(root, 'live.py'), { force: true });
    rmSync(join(root, 'live.stop'), { force: true });
    rmSync(join(root, 'params.yaml'), { force: true });
  });

  it('shows CodeLens above each task: Run, Run with Params…, Dashboard, the last run with its key metric', async () => {
    const uri = vscode.Uri.file(configFile);
    const document = await vscode.workspace.openTextDocument(uri);
    const lenses = await waitFor('the last-run lens of fit', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
        100,
      );
      return found.some(
        (l) => /val_accuracy/.test(l.command?.title ?? '') && l.command?.arguments?.[0] === fitRuns[1].id,
      )
        ? found
        : undefined;
    });
    const trainLine = positionOf(document, '  train:').line;
    const onTrain = lenses.filter((l) => l.range.start.line === trainLine).map((l) => l.command?.title ?? '');
    assert.deepEqual(onTrain.slice(0, 3), ['$(play) Run', 'Run with Params…', 'Dashboard']);
    assert.ok(
      onTrain.some((t) => /succeeded val_accuracy [\d.]+( [▲▼=][\d.]*)? · (just now|\d+ min ago)/.test(t)),
      onTrain.join(' | '),
    );
    const fitLine = positionOf(document, '  fit:').line;
    const fitLast = lenses.find(
      (l) => l.range.start.line === fitLine && /val_accuracy/.test(l.command?.title ?? ''),
    );
    // The second fit run (lr 0.01) reaches 0.956, 0.014 below the first (lr 0.003): 0.97.
    assert.match(fitLast?.command?.title ?? '', /val_accuracy 0\.956 ▼0\.014 ·/);
    assert.equal(fitLast?.command?.command, 'xlens.openRunDashboard');
    // Compare last 2: the task's two newest runs, oldest first, in one compare view.
    const compare = lenses.find(
      (l) => l.range.start.line === fitLine && l.command?.title === 'Compare last 2',
    );
    assert.equal(compare?.command?.command, 'xlens.compareRuns');
    const ids = [fitRuns[0].id, fitRuns[1].id];
    assert.deepEqual(compare?.command?.arguments, [ids]);
    await vscode.commands.executeCommand(compare.command.command, ...compare.command.arguments);
    const panel = await waitFor('the compare view of the two fit runs', () =>
      api.panels.compare.get(ids.join(',')),
    );
    await panel.loaded;
    panel.dispose();
  });

  it('names the run ${runs.train.latest} resolves to, in an inlay hint', async () => {
    const uri = vscode.Uri.file(configFile);
    const document = await vscode.workspace.openTextDocument(uri);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      whole,
    );
    const after = positionOf(document, '${runs.train.latest}', '${runs.train.latest}'.length);
    const hint = hints.find((h) => h.position.isEqual(after));
    assert.ok(hint, `a hint after the placeholder; got ${hints.map(label).join(' | ')}`);
    assert.match(label(hint), new RegExp(`^→ ${trainRun.id} \\(succeeded\\)$`));
  });

  it('marks a varied param with the best run and hovers it with a table and a sparkline', async () => {
    const uri = vscode.Uri.file(join(root, 'params.yaml'));
    const document = await vscode.workspace.openTextDocument(uri);
    const hints = await waitFor('the hint after lr', async () => {
      const found = await vscode.commands.executeCommand<vscode.InlayHint[]>(
        'vscode.executeInlayHintProvider',
        uri,
        new vscode.Range(0, 0, document.lineCount, 0),
      );
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.position.character, label(h)]),
      [[0, 'lr: 0.01'.length, '◂ best val_accuracy 0.97 at 0.003']],
      'only lr varied; batch took one value',
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(0, 1),
    );
    const markdown = hovers.map((h) => text(h.contents)).join('\n');
    assert.match(markdown, /\*\*`lr`\*\* in the last 2 runs · 2 values/);
    assert.match(markdown, /\| 0\.003 \| 0\.97 \|/);
    assert.match(markdown, /!\[trend\]\(data:image\/svg\+xml;base64,/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      uri,
    );
    assert.deepEqual(
      lenses.map((l) => [l.command?.title, l.command?.arguments]),
      [['$(play) Run fit with these params', ['fit']]],
    );
  });

  it('hovers the metrics training code logs with the runs of the task that runs it', async () => {
    const uri = vscode.Uri.file(join(root, 'train.py'));
    const document = await vscode.workspace.openTextDocument(uri);
    // Hovers the name 3 characters before the end of `needle` (inside the quoted name).
    const hoverAt = async (needle: string, offset = needle.length - 3): Promise<string> => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        positionOf(document, needle, offset),
      );
      return hovers.map((h) => text(h.contents)).join('\n');
    };
    const mlflow = await hoverAt('mlflow.log_metric("val_loss"');
    assert.match(mlflow, /\*\*`val_loss`\*\* \(lower is better\) · MLflow, runs of fit/);
    assert.match(mlflow, new RegExp(`Latest run \`${fitRuns[1].id}\``));
    assert.match(mlflow, /data:image\/svg\+xml;base64,/);
    const writer = await hoverAt('writer.add_scalar("loss"');
    assert.match(writer, /\*\*`loss`\*\* \(lower is better\) · TensorBoard, runs of fit/);
    assert.match(writer, /last 0\.21 at step 4/);
    const protocol = await hoverAt('"val_accuracy": val_accuracy', 3);
    assert.match(protocol, /\*\*`val_accuracy`\*\* \(higher is better\) · metrics protocol/);
    const param = await hoverAt('add_argument("--lr"');
    assert.match(param, /\*\*`lr`\*\* in the last 2 runs/);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    const onMlflow = hints.find((h) => h.position.line === positionOf(document, 'mlflow.log_metric').line);
    // The latest fit run (lr 0.01) ends with val_loss (1/5 + 0.01) × 1.1.
    assert.equal(onMlflow && label(onMlflow), '= 0.231');
  });

  it("shows a running run's new metric line in the inlay hint and the hover once it is written", async function () {
    this.timeout(300_000);
    const started = await api.startRun('live');
    try {
      const uri = vscode.Uri.file(join(root, 'live.py'));
      const document = await vscode.workspace.openTextDocument(uri);
      const line = positionOf(document, '"live_loss"').line;
      const hintOnLine = async (): Promise<string | undefined> => {
        const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
          'vscode.executeInlayHintProvider',
          uri,
          new vscode.Range(0, 0, document.lineCount, 0),
        );
        const found = hints.find((h) => h.position.line === line);
        return found && label(found);
      };
      await waitFor('the first point in the hint', async () =>
        (await hintOnLine()) === '= 0.5' ? true : undefined,
      );
      // The line a training loop writes next, appended to the file the runner tails.
      appendFileSync(
        join(root, '.xlens', 'runs', started.id, 'metrics.raw.jsonl'),
        `${JSON.stringify({ step: 1, values: { live_loss: 0.25 } })}\n`,
      );
      await waitFor('the new point in the hint', async () =>
        (await hintOnLine()) === '= 0.25' ? true : undefined,
      );
      const hover = await waitFor("the hover with the run's steps", async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          positionOf(document, '"live_loss"', 3),
        );
        const markdown = hovers.map((h) => text(h.contents)).join('\n');
        return /Latest run over steps 0–1: !\[steps\]\(data:image\/svg\+xml;base64,/.test(markdown)
          ? markdown
          : undefined;
      });
      assert.match(hover, new RegExp(`Latest run \`${started.id}\` \\(running, `));
      assert.match(hover, /last 0\.25 at step 1/);
    } finally {
      writeFileSync(join(root, 'live.stop'), '');
    }
    assert.equal((await finished(api, started)).status, 'succeeded');
  });

  it('completes keys, kinds and placeholders, and goes to the definitions of placeholders', async () => {
    const uri = vscode.Uri.file(configFile);
    const document = await vscode.workspace.openTextDocument(uri);
    const complete = async (position: vscode.Position): Promise<vscode.CompletionItem[]> =>
      (
        await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          position,
        )
      ).items;
    const keys = await complete(positionOf(document, 'epochs: 40'));
    const earlyStopping = keys.find((i) => i.label === 'early_stopping');
    assert.ok(earlyStopping, `early_stopping among ${keys.map((i) => JSON.stringify(i.label)).join(', ')}`);
    assert.match((earlyStopping.documentation as vscode.MarkdownString).value, /patience/i);
    const kinds = await complete(positionOf(document, 'kind: tfjs-train', 'kind: '.length));
    for (const kind of ['command', 'tfjs-train', 'tfjs-eval', 'drift', 'eval', 'monitor']) {
      assert.ok(
        kinds.some((i) => i.label === kind),
        `kind ${kind} is offered`,
      );
    }
    const runs = await complete(positionOf(document, '${runs.train', '${runs.'.length));
    assert.ok(runs.some((i) => i.label === 'train.latest' && /now .* \(succeeded\)/.test(String(i.detail))));
    const params = await complete(positionOf(document, '${params.lr}', '${params.'.length));
    assert.ok(params.some((i) => i.label === 'lr' && i.detail === '= 0.01'));

    const toParam = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      uri,
      positionOf(document, '${params.lr}', 10),
    );
    const param = toParam[0] as vscode.Location;
    assert.equal(param.uri.fsPath, join(root, 'params.yaml'));
    assert.equal(param.range.start.line, 0);
    const toTask = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeDefinitionProvider',
      uri,
      positionOf(document, '${runs.train.latest}', 8),
    );
    assert.equal(toTask[0].range.start.line, positionOf(document, '  train:').line);

    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      uri,
    );
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [
        ['train', 'tfjs-train'],
        ['eval', 'tfjs-eval'],
        ['train-slurm', 'command'],
        ['fit', 'command'],
        ['live', 'command'],
      ],
    );
  });

  it('turns CodeLens off and on with xlens.inline.codeLens, without a reload', async () => {
    const uri = vscode.Uri.file(join(root, 'params.yaml'));
    const lenses = (): Thenable<vscode.CodeLens[]> =>
      vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const settings = vscode.workspace.getConfiguration('xlens.inline');
    await settings.update('codeLens', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('no CodeLens', async () => ((await lenses()).length === 0 ? true : undefined));
    } finally {
      await settings.update('codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the CodeLens back', async () => ((await lenses()).length === 1 ? true : undefined));
  });

  it('fixes a misspelt key with the quick fix of its diagnostic', async () => {
    const uri = vscode.Uri.file(configFile);
    const current = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, current.replace('    epochs: 40', '    epoch: 40'));
    try {
      const diagnostic = await waitFor('the "Did you mean" diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((d) => /Did you mean "epochs"\?/.test(d.message)),
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
      );
      const fix = actions.find((a) => a.title === 'Change to "epochs"');
      assert.ok(fix?.edit, `a quick fix among ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const document = await vscode.workspace.openTextDocument(uri);
      assert.ok(document.getText().includes('    epochs: 40'));
      assert.ok(await document.save());
      await waitFor('the diagnostic to clear', () =>
        vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined,
      );
    } finally {
      writeFileSync(configFile, current);
    }
  });
});
