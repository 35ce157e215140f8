/** The table of `xlens runs --columns/--sort/--filter` (src/cli/runsTable.ts): the columns it shows. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldCatalog } from '../../../src/core/compare/fieldNames';
import { fieldId } from '../../../src/core/compare/fields';
import { parseFilter, filterFields } from '../../../src/core/compare/filter';
import { runsTableText, shownColumns } from '../../../src/cli/runsTable';
import { run } from '../compare/runs';

describe('xlens runs table', () => {
  it('shows a metric named like an attribute as its own column, metrics.<name>, beside the attribute', () => {
    const runs = [run('r1', { durationMs: 90_000, metrics: { duration: [12] } })];
    const filter = parseFilter('metrics.duration > 5 and duration > 1m', fieldCatalog(runs), '--filter')!;
    const fields = shownColumns({ runs, used: filterFields(filter) });
    assert.deepEqual(fields.map(fieldId), ['id', 'task', 'status', 'commit', 'duration', 'metrics.duration']);
    const [header, row] = runsTableText(runs, fields).split('\n');
    assert.deepEqual(header.split(/\s{2,}/), [
      'ID',
      'TASK',
      'STATUS',
      'COMMIT',
      'DURATION',
      'metrics.duration',
    ]);
    assert.match(row, /\s12$/);
  });
});
