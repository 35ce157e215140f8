/**
 * Protects: imported MLflow runs keep their hierarchy (`mlflow.parentRunId`): `xlens runs` lists each
 * nested run under its parent, and the Runs view's model nests them under their parent run. Real
 * stores with nested runs: a file store (BozzoloLu/GAN, 3 parent/child pairs) and a SQLite store
 * (01Angel01/House_Prediction, 2 parents with 3 children each). The expected parents are read from
 * the stores independently: the tag files, and EXPECTED.json (python3 sqlite3).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverImportedRuns } from '../../../src/core/metrics/discovery/discovery';
import { ImportedRunsModel, type ImportedElement } from '../../../src/features/imported/importedModel';
import { tempDir } from '../../helpers/gitRepo';
import { xlensInProcess } from '../../helpers/xlensProcess';

const FIXTURES = join(__dirname, '../../fixtures');
const GAN = join(FIXTURES, 'mlflow/BozzoloLu__GAN/mlruns');
const HOUSE = join(FIXTURES, 'mlflow_sqlite/01Angel01__House_Prediction/mlflow.db');

/** run id → parent run id, from the file store's tag files. */
function fileStoreParents(mlruns: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const exp = join(mlruns, '1');
  for (const id of readdirSync(exp).filter((e) => existsSync(join(exp, e, 'meta.yaml')))) {
    const tag = join(exp, id, 'tags/mlflow.parentRunId');
    out.set(id, existsSync(tag) ? readFileSync(tag, 'utf8').trim() : undefined);
  }
  return out;
}

/** run id → parent run id, from EXPECTED.json of the SQLite fixtures. */
function sqliteParents(): Map<string, string | undefined> {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'mlflow_sqlite/EXPECTED.json'), 'utf8')) as Record<
    string,
    Record<string, { tags: Record<string, string> }>
  >;
  const runs = expected['01Angel01__House_Prediction/mlflow.db'];
  return new Map(Object.entries(runs).map(([id, r]) => [id, r.tags['mlflow.parentRunId']]));
}

function workspace(): string {
  const ws = tempDir('xlens-nested-');
  cpSync(GAN, join(ws, 'gan/mlruns'), { recursive: true });
  cpSync(HOUSE, join(ws, 'house/mlflow.db'));
  writeFileSync(join(ws, 'xlens.yaml'), 'tasks:\n  train:\n    run: echo hi\n');
  return ws;
}

describe('nested MLflow runs keep their hierarchy', () => {
  const expected = new Map([...fileStoreParents(GAN), ...sqliteParents()]);
  const childCount = [...expected.values()].filter(Boolean).length;

  it('xlens runs lists each nested run right under its parent (or a sibling), marked', async () => {
    assert.equal(childCount, 9, 'the fixtures hold 3 + 6 nested runs');
    const ws = workspace();
    const result = await xlensInProcess(ws, ['runs', '--limit', '100']);
    assert.equal(result.code, 0, result.stderr);
    // Expected: the scan's order, each child (by the stores' own parent tags) right after its parent.
    const scan = await discoverImportedRuns(ws);
    const want = scan.runs
      .filter((r) => !expected.get(r.id))
      .flatMap((parent) => [
        `${parent.name} ${parent.relativePath}`,
        ...scan.runs
          .filter((r) => expected.get(r.id) === parent.id && r.source === parent.source)
          .map((r) => `└ ${r.name} ${r.relativePath}`),
      ]);
    const lines = result.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Imported runs'));
    const got = lines
      .slice(start + 2)
      .filter((l) => l.startsWith('mlflow'))
      .map((l) => {
        const cells = l.split(/\s{2,}/);
        return `${cells[1]} ${cells[4]}`;
      });
    assert.deepEqual(got, want);
    assert.equal(got.filter((r) => r.startsWith('└ ')).length, childCount);
  });

  it('the Runs view nests children under their parent run, and reveals them through it', async () => {
    const ws = workspace();
    const model = new ImportedRunsModel();
    model.setResult(await discoverImportedRuns(ws), 1);
    const [group] = model.roots();
    const [mlflow] = model.children(group);
    const top = model.children(mlflow);
    const id = (e: ImportedElement): string => (e.kind === 'importedRun' ? e.run.id : e.kind);
    assert.deepEqual(
      top.map(id).sort(),
      [...expected]
        .filter(([, p]) => !p)
        .map(([i]) => i)
        .sort(),
      'only top-level runs under the format',
    );
    let nestedSeen = 0;
    for (const parent of top) {
      for (const child of model.children(parent)) {
        nestedSeen += 1;
        assert.equal(expected.get(id(child)), id(parent));
        assert.deepEqual(model.parent(child), parent, 'reveal walks up through the parent run');
        assert.deepEqual(model.children(child), []);
      }
    }
    assert.equal(nestedSeen, childCount);
  });
});
