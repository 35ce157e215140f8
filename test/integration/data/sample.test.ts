// Seeded sampling while reading: a uniform sample, the same rows whatever the file format, in file order,
// with the missing and unparsable counts and the categories of the rows kept (not of the rows seen).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  makeVector,
  Table as ArrowTable,
  tableFromArrays,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { loadTable } from '../../../src/core/data/load';
import { reservoirIndices, RowReservoir } from '../../../src/core/data/sample';
import type { Column, Table } from '../../../src/core/data/types';

const dir = mkdtempSync(join(tmpdir(), 'xlens-sample-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const datasets = join(__dirname, '../../../node_modules/vega-datasets/data');

function get(table: Table, name: string): Column {
  const c = table.columns.find((x) => x.name === name);
  assert.ok(c, name);
  return c;
}

function values(table: Table, name: string): (number | string | null)[] {
  const c = get(table, name);
  return c.storage === 'numeric'
    ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v))
    : Array.from(c.codes, (code) => (code < 0 ? null : c.dictionary[code]));
}

describe('reservoir sampling', () => {
  it('keeps every row with the same probability k/n', () => {
    const n = 50;
    const k = 10;
    const seeds = 2000;
    const counts = new Array<number>(n).fill(0);
    for (let seed = 0; seed < seeds; seed++) {
      const kept = reservoirIndices(n, k, seed);
      assert.equal(kept.length, k);
      assert.ok(
        kept.every((v, i) => i === 0 || v > kept[i - 1]),
        'ascending, no repeats',
      );
      kept.forEach((i) => counts[i]++);
    }
    // Expected 400 per row, standard deviation √(2000 · 0.2 · 0.8) ≈ 17.9: allow 4.5 of them.
    for (const [row, count] of counts.entries()) {
      assert.ok(Math.abs(count - (seeds * k) / n) < 80, `row ${row} kept ${count} times`);
    }
  });

  it('holds at most k rows and returns them in stream order', () => {
    const reservoir = new RowReservoir(5, 3);
    const held = new Map<number, number>();
    for (let row = 0; row < 1000; row++) {
      const decision = reservoir.next();
      if (decision) {
        assert.equal(decision.append, row < 5);
        held.set(decision.slot, row);
      }
    }
    assert.equal(reservoir.size, 5);
    assert.equal(held.size, 5);
    const inOrder = Array.from(reservoir.order(), (slot) => held.get(slot));
    assert.deepEqual(inOrder, Array.from(reservoir.rows()));
    assert.deepEqual(Array.from(reservoir.rows()), Array.from(reservoirIndices(1000, 5, 3)));
    assert.throws(() => new RowReservoir(0, 1), /positive integer/);
  });
});

describe('sampling while loading', () => {
  const n = 3000;
  const rows = Array.from({ length: n }, (_, i) => ({
    id: i,
    // Early rows have their own category, so a sample that replaced them must not list it.
    group: i < 100 ? `early-${i % 3}` : ['a', 'b', 'c', 'd'][i % 4],
    score: i % 10 === 0 ? 'n/a?' : String((i * 7919) % 1000),
    late: i >= 2500 ? i : null,
  }));
  const csv = join(dir, 'rows.csv');
  writeFileSync(
    csv,
    `id,group,score,late\n${rows.map((r) => `${r.id},${r.group},${r.score},${r.late ?? ''}`).join('\n')}\n`,
  );
  const tsv = join(dir, 'rows.tsv');
  writeFileSync(
    tsv,
    `id\tgroup\tscore\tlate\n${rows.map((r) => `${r.id}\t${r.group}\t${r.score}\t${r.late ?? ''}`).join('\n')}\n`,
  );
  // JSON Lines where the `late` key only appears from row 2500 on.
  const jsonl = join(dir, 'rows.jsonl');
  writeFileSync(
    jsonl,
    `${rows
      .map((r) => JSON.stringify(r.late === null ? { id: r.id, group: r.group, score: r.score } : r))
      .join('\n')}\n`,
  );
  const arrow = join(dir, 'rows.arrow');
  writeFileSync(
    arrow,
    tableToIPC(
      tableFromArrays({
        id: Float64Array.from(rows, (r) => r.id),
        group: rows.map((r) => r.group),
        score: rows.map((r) => r.score),
        late: Float64Array.from(rows, (r) => r.late ?? NaN),
      }),
      'file',
    ),
  );
  const k = 200;
  const seed = 11;
  const expected = Array.from(reservoirIndices(n, k, seed));

  it('keeps the same rows, in file order, from CSV, TSV, JSON Lines and Arrow', async () => {
    for (const path of [csv, tsv, jsonl, arrow]) {
      const table = await loadTable(path, { maxRows: k, seed, types: { score: 'numerical' } });
      assert.deepEqual(
        table.sampling,
        { applied: true, maxRows: k, seed, rowsBefore: n, rowsAfter: k },
        path,
      );
      assert.deepEqual(values(table, 'id'), expected, path);
      assert.deepEqual(
        values(table, 'group'),
        expected.map((i) => rows[i].group),
        path,
      );
      assert.deepEqual(
        values(table, 'late'),
        expected.map((i) => rows[i].late),
        path,
      );
    }
  });

  it('counts missing and unparsable values and lists categories of the kept rows only', async () => {
    const table = await loadTable(csv, { maxRows: k, seed, types: { score: 'numerical' } });
    const score = get(table, 'score');
    const bad = expected.filter((i) => i % 10 === 0).length;
    assert.ok(bad > 0 && bad < k);
    assert.equal(score.missing, bad);
    assert.equal(score.unparsable, bad);
    const late = get(table, 'late');
    assert.equal(late.missing, expected.filter((i) => i < 2500).length);
    const group = get(table, 'group');
    assert.equal(group.storage, 'dictionary');
    if (group.storage === 'dictionary') {
      assert.deepEqual([...group.dictionary].sort(), [...new Set(expected.map((i) => rows[i].group))].sort());
    }
  });

  it('reads only the sampled rows of flights-3m.parquet, the same rows as a full read', async () => {
    const path = join(datasets, 'flights-3m.parquet');
    const columns = ['delay', 'origin'];
    const sampled = await loadTable(path, { columns, maxRows: 5000, seed: 3 });
    assert.equal(sampled.rows, 5000);
    assert.equal(sampled.sampling.rowsBefore, 3_000_000);
    const picked = Array.from(reservoirIndices(3_000_000, 5000, 3));
    const full = await loadTable(path, { columns });
    for (const name of columns) {
      const all = values(full, name);
      assert.deepEqual(
        values(sampled, name),
        picked.map((i) => all[i]),
        name,
      );
    }
  });

  it('does nothing when the file has no more rows than the limit', async () => {
    const table = await loadTable(csv, { maxRows: n, seed });
    assert.equal(table.sampling.applied, false);
    assert.deepEqual(
      values(table, 'id'),
      rows.map((r) => r.id),
    );
    await assert.rejects(loadTable(csv, { maxRows: 0 }), /maxRows must be a positive integer/);
  });

  it('reads Arrow files batch by batch, in both IPC formats, with the sample spanning batches', async () => {
    // Plain Utf8 strings: the IPC file format allows no dictionary that changes between batches.
    const batches = [0, 1, 2, 3].map(
      (b) =>
        new ArrowTable({
          id: makeVector(Float64Array.from({ length: 750 }, (_, i) => b * 750 + i)),
          group: vectorFromArray(
            Array.from({ length: 750 }, (_, i) => rows[b * 750 + i].group),
            new Utf8(),
          ),
        }),
    );
    const table = batches.slice(1).reduce((t, next) => t.concat(next), batches[0]);
    assert.equal(table.batches.length, 4);
    for (const format of ['file', 'stream'] as const) {
      const path = join(dir, `batches-${format}.arrow`);
      writeFileSync(path, tableToIPC(table, format));
      const all = await loadTable(path);
      assert.deepEqual(
        values(all, 'id'),
        rows.map((r) => r.id),
        format,
      );
      const sampled = await loadTable(path, { maxRows: k, seed });
      assert.deepEqual(values(sampled, 'id'), expected, format);
      assert.deepEqual(
        values(sampled, 'group'),
        expected.map((i) => rows[i].group),
        format,
      );
    }
    writeFileSync(join(dir, 'fake.arrow'), 'id,group\n1,a\n');
    await assert.rejects(loadTable(join(dir, 'fake.arrow')), /fake\.arrow: not a readable Arrow IPC file/);
    await assert.rejects(loadTable(join(dir, 'nope.arrow')), /nope\.arrow: file not found/);
  });
});
