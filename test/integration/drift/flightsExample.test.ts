// The scale example of examples/weather-drift: its script splits flights-3m.parquet into January–February
// and May–June (the counts its README gives), and the drift task of its xlens.yaml compares the two files
// with the large-sample tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runDrift } from '../../../src/core/drift/engine';
import { parseDriftOptions } from '../../../src/core/drift/options';

const root = join(__dirname, '../../..');
const example = join(root, 'examples/weather-drift');
const out = mkdtempSync(join(tmpdir(), 'xlens-flights-'));
after(() => rmSync(out, { recursive: true, force: true }));

describe('the flights scale example', () => {
  it('splits 3 million flights into first and last months and finds the drift the README describes', async () => {
    const split = spawnSync(
      process.execPath,
      ['--import', require.resolve('tsx'), join(example, 'scripts/split-flights.ts'), out],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(split.status, 0, split.stderr);
    assert.match(split.stdout, /flights-jan-feb\.arrow: 966409 flights/);
    assert.match(split.stdout, /flights-may-jun\.arrow: 1021053 flights/);
    const readme = readFileSync(join(example, 'README.md'), 'utf8');
    assert.match(readme, /January–February\s+\(966,409 flights\)/);
    assert.match(readme, /May–June\s+\(1,021,053 flights\)/);

    const config = parse(readFileSync(join(example, 'xlens.yaml'), 'utf8')) as {
      tasks: Record<
        string,
        { kind: string; reference: string; current: string; options?: Record<string, unknown> }
      >;
    };
    const task = config.tasks['flights-drift'];
    assert.equal(task.kind, 'drift');
    assert.equal(task.reference, 'data/flights/flights-jan-feb.arrow');
    const report = await runDrift({
      reference: join(out, 'flights-jan-feb.arrow'),
      current: join(out, 'flights-may-jun.arrow'),
      options: parseDriftOptions(task.options, undefined),
    });
    assert.deepEqual(Object.fromEntries(report.columns.map((c) => [c.name, c.method])), {
      delay: 'wasserstein',
      distance: 'wasserstein',
      origin: 'jensenshannon',
      destination: 'jensenshannon',
    });
    assert.equal(report.inputs.reference.rows, 966_409);
    assert.equal(report.dataset.columns, 4);
    for (const column of report.columns) {
      assert.ok(
        column.distance! > 0 && column.distance! < column.threshold,
        `${column.name}: ${column.distance}`,
      );
    }
    assert.equal(report.dataset.driftDetected, false);
  });
});
