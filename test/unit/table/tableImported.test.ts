/**
 * Imported runs in the experiments table: runs logged by TensorBoard and W&B (real logs from
 * test/fixtures, copied into a temp workspace) become rows beside the workspace's own runs, with their
 * tool in the `source` column, their metrics' last/min/max/best, their commit (W&B records one) and a
 * stable id; their stars and notes go to `.xlens/imported-annotations.json`, never into the tool's files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadImportedStepValues } from '../../../src/core/compare/stepValues';
import { discoverImportedRuns, readSource } from '../../../src/core/metrics/discovery/discovery';
import { isRunId } from '../../../src/core/runs/ids';
import { readImportedAnnotations, writeImportedAnnotation } from '../../../src/core/runs/importedAnnotations';
import { importedRunRecord, isImportedRecordId } from '../../../src/core/runs/importedRecord';
import { buildTableData, filterRows, tableCsv } from '../../../src/features/table/viewModel';
import { DEFAULT_TABLE_LAYOUT, type TableData } from '../../../src/protocol/table';
import { groupTitle, TableModel } from '../../../webviews/table/model';
import { tempDir } from '../../helpers/gitRepo';
import { run } from '../compare/runs';

const FIXTURES = join(__dirname, '../../fixtures');
const EMPTY = { expression: '', status: '', task: '', text: '' };

interface Point {
  step: number;
  value: number;
}
interface TensorBoardExpected {
  [run: string]: { series: Record<string, { count: number; first: Point; last: Point }> };
}
interface WandbExpected {
  gitHead: string;
  logged: Record<string, number>[];
}

function workspace(): string {
  const ws = tempDir('xlens-table-imported-');
  cpSync(join(FIXTURES, 'tensorboard/BozzoloLu__GAN/logs'), join(ws, 'logs'), { recursive: true });
  cpSync(join(FIXTURES, 'wandb/git/wandb'), join(ws, 'wandb'), { recursive: true });
  return ws;
}

/** sha256 of every file below `dir` (path and bytes), to show a folder was not written. */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        hash.update(path).update(readFileSync(path));
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function column(data: TableData, key: string): unknown[] {
  const index = data.columns.findIndex((c) => c.key === key);
  assert.ok(index >= 0, `no column ${key} in ${data.columns.map((c) => c.key).join(', ')}`);
  return data.values[index];
}

async function table(ws: string) {
  const { runs: imported } = await discoverImportedRuns(ws, { taskSources: false });
  const own = run('20261206T100300Z-00000003', {
    task: 'train',
    params: { lr: 0.01 },
    metrics: { 'val/loss': [1, 0.5] },
  });
  const runs = [own, ...imported.map(importedRunRecord)];
  const data = buildTableData(runs, {
    version: 1,
    head: null,
    aggregates: new Map([['val/acc', 'max' as const]]),
    annotations: new Map(),
  });
  return { imported, runs, data };
}

describe('experiments table: imported runs as rows', () => {
  it('lists TensorBoard and W&B runs after the own run, each with its tool as source', async () => {
    const { imported, data } = await table(workspace());
    assert.equal(data.runIds.length, 1 + imported.length);
    assert.ok(imported.length >= 3, 'three TensorBoard folders and one W&B run');
    assert.deepEqual(data.sources?.[0], null);
    const sources = column(data, 'source');
    assert.equal(sources[0], 'xlens');
    assert.deepEqual(
      [...new Set(sources.slice(1))].sort(),
      ['TensorBoard', 'W&B'],
      'every imported row names its tool',
    );
    assert.deepEqual(data.sources?.slice(1), sources.slice(1));
    // Imported ids are stable, fit the protocol's run ids and never look like an own run's id.
    for (const id of data.runIds.slice(1)) {
      assert.ok(isImportedRecordId(id), id);
      assert.ok(!isRunId(id), id);
      assert.match(id, /^[\w.-]{1,100}$/);
    }
    assert.equal(new Set(data.runIds).size, data.runIds.length);
  });

  it('reads TensorBoard scalars as the reference reader does: count, last value, min ≤ last ≤ max', async () => {
    const ws = workspace();
    const { data, runs } = await table(ws);
    const expected = (
      JSON.parse(readFileSync(join(FIXTURES, 'tensorboard/expected.json'), 'utf8')) as Record<
        string,
        TensorBoardExpected
      >
    ).BozzoloLu__GAN;
    const tasks = column(data, 'task');
    const loss = column(data, 'metrics.Discriminator loss');
    let checked = 0;
    for (const [path, { series }] of Object.entries(expected)) {
      const reference = series['Discriminator loss'];
      if (!reference) {
        continue;
      }
      const row = tasks.indexOf(path);
      assert.ok(row > 0, `a row for ${path} among ${tasks.join(', ')}`);
      assert.equal(loss[row], reference.last.value);
      const summary = runs[row].metrics['Discriminator loss'];
      assert.equal(summary.count, reference.count);
      assert.equal(summary.lastStep, reference.last.step);
      for (const value of [reference.first.value, reference.last.value]) {
        assert.ok(summary.min <= value && value <= summary.max, `${summary.min} ≤ ${value} ≤ ${summary.max}`);
      }
      assert.ok(summary.min < summary.max, 'a loss that moved has a range');
      checked += 1;
    }
    assert.ok(checked >= 2);
    // The own run and the TensorBoard runs leave the status of logs that record none empty.
    const status = column(data, 'status');
    assert.equal(status[0], 'succeeded');
    assert.equal(status[tasks.indexOf('logs/GAN/20221120-123722')], null);
    // Started and duration come from the event files' wall times.
    const started = column(data, 'started')[tasks.indexOf('logs/GAN/20221120-123722')];
    assert.equal(typeof started, 'string');
    assert.ok(!Number.isNaN(Date.parse(started as string)));
  });

  it('reads W&B runs with their commit and every aggregate of what the script logged', async () => {
    const { data, runs } = await table(workspace());
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, 'wandb/git/expected.json'), 'utf8'),
    ) as WandbExpected;
    const row = column(data, 'source').indexOf('W&B');
    assert.ok(row > 0);
    assert.equal(data.commits[row], expected.gitHead, 'grouped under the commit W&B recorded');
    const losses = expected.logged.map((line) => line['val/loss']);
    const accs = expected.logged.map((line) => line['val/acc']);
    assert.equal(column(data, 'metrics.val/loss')[row], losses[losses.length - 1]);
    assert.equal(column(data, 'metrics.val/acc')[row], Math.max(...accs), 'the max aggregate');
    const record = runs[row];
    assert.equal(record.metrics['val/loss'].min, Math.min(...losses));
    assert.equal(record.metrics['val/loss'].max, Math.max(...losses));
    const bestStep = expected.logged[losses.indexOf(Math.min(...losses))]._step;
    assert.equal(record.metrics['val/loss'].bestStep, bestStep, 'loss: the best is the smallest');
  });

  it('groups imported rows under their commit (W&B) or under "imported", after the commits', async () => {
    const { data } = await table(workspace());
    const model = new TableModel(data, { ...DEFAULT_TABLE_LAYOUT });
    const groups = model.displayItems().flatMap((item) => (item.kind === 'group' ? [item] : []));
    const titles = groups.map(groupTitle);
    const tensorBoard = column(data, 'source').filter((s) => s === 'TensorBoard').length;
    assert.equal(titles.length, 3, titles.join(' | '));
    assert.match(titles[2], new RegExp(`^▾ imported · ${tensorBoard} runs$`));
    const wandb = data.commits[column(data, 'source').indexOf('W&B')]!;
    assert.ok(
      titles.some((t) => t.startsWith(`▾ ${wandb.slice(0, 7)} · 1 run`)),
      titles.join(' | '),
    );
  });

  it("reads the value at a step from the imported run's source, each source once", async () => {
    const ws = workspace();
    const { runs } = await table(ws);
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, 'wandb/git/expected.json'), 'utf8'),
    ) as WandbExpected;
    const tensorBoard = (
      JSON.parse(readFileSync(join(FIXTURES, 'tensorboard/expected.json'), 'utf8')) as Record<
        string,
        TensorBoardExpected
      >
    ).BozzoloLu__GAN['logs/GAN/20221120-123722'].series['Discriminator loss'];
    const reads: string[] = [];
    const lookup = await loadImportedStepValues(
      runs,
      [
        { kind: 'metric', name: 'val/loss', aggregate: { step: 20 } },
        { kind: 'metric', name: 'val/loss', aggregate: { step: 25 } },
        { kind: 'metric', name: 'Discriminator loss', aggregate: { step: tensorBoard.last.step } },
      ],
      (source) => {
        reads.push(source.path);
        return readSource(source);
      },
    );
    assert.ok(lookup);
    const wandb = runs.find((r) => r.imported?.format === 'wandb')!;
    const line = expected.logged.find((l) => l._step === 20)!;
    assert.equal(lookup(wandb.id, 'val/loss', 20), line['val/loss']);
    assert.equal(lookup(wandb.id, 'val/loss', 25), undefined, 'no point logged at step 25');
    const gan = runs.find((r) => r.task === 'logs/GAN/20221120-123722')!;
    assert.equal(lookup(gan.id, 'Discriminator loss', tensorBoard.last.step), tensorBoard.last.value);
    assert.equal(lookup(runs[0].id, 'val/loss', 20), undefined, 'own runs are read from metrics.jsonl');
    assert.equal(new Set(reads).size, reads.length, 'each source read once');
  });

  it('filters and exports imported rows through the one filter language and CSV', async () => {
    const { data, runs } = await table(workspace());
    const result = filterRows(runs, { ...EMPTY, expression: 'source == "TensorBoard"' }, new Map());
    assert.ok('rows' in result && result.rows !== null);
    const sources = column(data, 'source');
    assert.deepEqual(
      result.rows,
      sources.flatMap((s, i) => (s === 'TensorBoard' ? [i] : [])),
    );
    const byId = new Map(runs.map((r) => [r.id, r]));
    const csv = parse(tableCsv(byId, data.columns, data.runIds, ['id', 'source', 'task'])) as string[][];
    assert.deepEqual(csv[0], ['id', 'source', 'task']);
    assert.deepEqual(
      csv.slice(1).map((line) => line[1]),
      sources,
    );
  });

  it('keeps the same row id when the workspace moves, and for a second scan', async () => {
    const first = workspace();
    const second = workspace();
    const a = (await table(first)).data.runIds;
    const b = (await table(second)).data.runIds;
    const again = (await table(first)).data.runIds;
    assert.deepEqual(b.slice(1), a.slice(1));
    assert.deepEqual(again, a);
  });

  it('stores stars and notes of imported runs in .xlens, leaving the logs untouched', async () => {
    const ws = workspace();
    const before = [treeHash(join(ws, 'logs')), treeHash(join(ws, 'wandb'))];
    const { runs } = await table(ws);
    const tb = runs.find((r) => r.imported?.format === 'tensorboard')!;
    const storeDir = join(ws, '.xlens');
    await writeImportedAnnotation(storeDir, tb.imported!.stableKey, {
      starred: true,
      note: 'best <b>GAN</b>',
    });
    const read = await readImportedAnnotations(storeDir);
    assert.deepEqual(read[tb.imported!.stableKey], { starred: true, note: 'best <b>GAN</b>' });
    assert.deepEqual([treeHash(join(ws, 'logs')), treeHash(join(ws, 'wandb'))], before);
    // The annotations reach the table's rows.
    const data = buildTableData(runs, {
      version: 1,
      head: null,
      aggregates: new Map(),
      annotations: new Map([[tb.id, read[tb.imported!.stableKey]]]),
    });
    const row = data.runIds.indexOf(tb.id);
    assert.equal(data.starred[row], true);
    assert.equal(data.notes[row], 'best <b>GAN</b>');
    // Clearing both removes the entry.
    await writeImportedAnnotation(storeDir, tb.imported!.stableKey, { starred: false, note: '' });
    assert.deepEqual(Object.keys(await readImportedAnnotations(storeDir)), []);
  });

  it('refuses an annotations file of the wrong shape, naming the file and the fix', async () => {
    const ws = tempDir('xlens-table-imported-bad-');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(ws, '.xlens'));
    writeFileSync(join(ws, '.xlens/imported-annotations.json'), '{"tensorboard:a#a": {"starred": "yes"}}');
    await assert.rejects(readImportedAnnotations(join(ws, '.xlens')), (error: Error) => {
      assert.match(error.message, /imported-annotations\.json/);
      assert.match(error.message, /starred a boolean/);
      return true;
    });
  });
});
