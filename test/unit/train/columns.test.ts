/**
 * Column type inference on the real cars table (vega-datasets) with the kind of damage users bring:
 * a decimal comma in the target, stray text in a numeric feature, a 0/1 label, misspelt column names.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { badCellWarnings, checkColumns, inferColumnType, inferTarget } from '../../../src/core/train/columns';
import { fitPreprocessing } from '../../../src/core/train/preprocess';
import { parseTable, type Table } from '../../../src/core/train/table';

type Car = Record<string, string | number | null>;
const cars = JSON.parse(
  readFileSync(resolve(__dirname, '../../../node_modules/vega-datasets/data/cars.json'), 'utf8'),
) as Car[];
const columns = ['Miles_per_Gallon', 'Cylinders', 'Horsepower', 'Weight_in_lbs', 'Origin'];

/** cars.csv with `edit(row, index)` applied to each row's cells (header is line 1, row i on line i + 2). */
function carsTable(edit: (cells: Record<string, string>, index: number) => void = () => undefined): Table {
  const lines = cars.map((car, i) => {
    const cells = Object.fromEntries(columns.map((c) => [c, car[c] === null ? '' : String(car[c])]));
    edit(cells, i);
    return columns.map((c) => (cells[c].includes(',') ? `"${cells[c]}"` : cells[c])).join(',');
  });
  return parseTable([columns.join(','), ...lines].join('\n'), 'cars.csv');
}

const all = (table: Table) => table.rows.map((_, i) => i);
const col = (table: Table, name: string) => table.columns.indexOf(name);

describe('numeric columns with a few bad cells', () => {
  it('keeps a target with one decimal-comma cell numeric and drops that row, naming line and value', () => {
    const table = carsTable((cells, i) => {
      if (i === 40) {
        cells.Miles_per_Gallon = '18,5';
      }
    });
    const inferred = inferTarget(table, 'Miles_per_Gallon', undefined);
    assert.equal(inferred.problem, 'regression');
    assert.deepEqual(inferred.stray, [{ line: 42, column: 'Miles_per_Gallon', value: '18,5' }]);
    const unlabelled = cars.filter((c) => c.Miles_per_Gallon === null).length;
    assert.equal(inferred.missing, unlabelled);
    assert.equal(inferred.rows.length, cars.length - unlabelled - 1);
    assert.ok(!inferred.rows.includes(40));
    assert.deepEqual(badCellWarnings('cars.csv', inferred.stray, 'row dropped'), [
      'cars.csv:42: "Miles_per_Gallon" is "18,5", not a number; row dropped',
    ]);
  });

  it('keeps a feature with stray text numeric (87 one-hot inputs before), the text imputed', () => {
    const table = carsTable((cells, i) => {
      if (i === 5) {
        cells.Horsepower = 'n/a?';
      }
      if (i === 17) {
        cells.Horsepower = 'abc';
      }
    });
    const type = inferColumnType(table, col(table, 'Horsepower'), all(table));
    assert.equal(type.kind, 'numeric');
    assert.deepEqual(type.stray, [5, 17]);
    const prep = fitPreprocessing(
      table,
      { target: 'Miles_per_Gallon', features: ['Cylinders', 'Horsepower', 'Weight_in_lbs'] },
      all(table).filter((i) => table.rows[i][0] !== ''),
    );
    assert.deepEqual(prep.inputNames, ['Cylinders', 'Horsepower', 'Weight_in_lbs']);
  });

  it('treats a column as categorical once more than 5 % of its values are text, with a warning', () => {
    const table = carsTable((cells, i) => {
      if (i % 10 === 0) {
        cells.Horsepower = 'unknown';
      }
    });
    assert.equal(inferColumnType(table, col(table, 'Horsepower'), all(table)).kind, 'categorical');
    const warnings: string[] = [];
    fitPreprocessing(
      table,
      { target: 'Origin', features: ['Horsepower'], warn: (w) => warnings.push(w) },
      all(table),
    );
    assert.equal(warnings.length, 1);
    const horsepower = table.rows.map((row) => row[col(table, 'Horsepower')]);
    const present = horsepower.filter((v) => v !== '').length;
    const text = horsepower.filter((v) => v === 'unknown').length;
    assert.ok(
      warnings[0].includes(`"Horsepower" is mostly numbers, but ${text} of ${present} training values`),
    );
  });

  it('refuses to classify a mostly-numeric target with many values into one class per value', () => {
    const table = carsTable((cells, i) => {
      if (i % 8 === 0) {
        cells.Miles_per_Gallon = `${cells.Miles_per_Gallon}mpg`;
      }
    });
    assert.throws(
      () => inferTarget(table, 'Miles_per_Gallon', undefined),
      /cars\.csv:2: target "Miles_per_Gallon" is mostly numbers, but \d+ of \d+ values are not \(e\.g\. "18mpg"\)/,
    );
    assert.throws(
      () => inferTarget(table, 'Miles_per_Gallon', 'regression'),
      /cars\.csv:2: target "Miles_per_Gallon" is "18mpg", not a number/,
    );
  });
});

describe('problem type of the target', () => {
  it('classifies a 0/1 label and says why', () => {
    const table = carsTable((cells) => {
      cells.Origin = cells.Origin === 'USA' ? '1' : '0';
    });
    const inferred = inferTarget(table, 'Origin', undefined);
    assert.equal(inferred.problem, 'classification');
    assert.equal(inferred.reason, 'inferred: 2 distinct integer values; set problem: regression to override');
    const prep = fitPreprocessing(table, { target: 'Origin', problem: inferred.problem }, inferred.rows);
    assert.deepEqual(prep.target, { name: 'Origin', problem: 'classification', classes: ['0', '1'] });
  });

  it('classifies few integer values with enough rows each, sorted as numbers; the task can override', () => {
    const table = carsTable();
    const inferred = inferTarget(table, 'Cylinders', undefined);
    assert.equal(inferred.problem, 'classification');
    const prep = fitPreprocessing(table, { target: 'Cylinders', problem: 'classification' }, inferred.rows);
    assert.ok(prep.target.problem === 'classification');
    assert.deepEqual(prep.target.classes, ['3', '4', '5', '6', '8']);
    assert.equal(inferTarget(table, 'Cylinders', 'regression').problem, 'regression');
  });

  it('regresses on decimals, and on a few integers in a tiny table', () => {
    assert.equal(inferTarget(carsTable(), 'Miles_per_Gallon', undefined).problem, 'regression');
    const tiny = parseTable(
      ['Miles_per_Gallon,Horsepower', '18,130', '15,165', '18,150', '16,150', '17,140', '15,198'].join('\n'),
      'tiny.csv',
    );
    const inferred = inferTarget(tiny, 'Miles_per_Gallon', undefined);
    assert.equal(inferred.problem, 'regression');
    assert.equal(inferred.reason, 'inferred: numeric values; set problem: classification to override');
  });
});

describe('column names', () => {
  it('reports every unknown column at once with a suggestion', () => {
    assert.throws(
      () =>
        checkColumns(carsTable(), {
          target: ['Miles_per_gallon'],
          feature: ['Horsepowr', 'Weight_in_lbs', 'colour'],
        }),
      new RegExp(
        'cars\\.csv:1: unknown columns: Miles_per_gallon \\(target; did you mean Miles_per_Gallon\\?\\), ' +
          'Horsepowr \\(feature; did you mean Horsepower\\?\\), colour \\(feature\\); available columns: Miles_per_Gallon,',
      ),
    );
    assert.doesNotThrow(() =>
      checkColumns(carsTable(), { target: ['Origin'], feature: columns.slice(0, 4) }),
    );
  });
});
