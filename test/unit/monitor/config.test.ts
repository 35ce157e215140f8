/**
 * `kind: monitor` in xlens.yaml: the README's example loads as written into a `MonitorTask`, the
 * reference file is an input of the run, and a bad window or reference is an error at its line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseProject } from '../../../src/core/config/load';
import type { MonitorTask } from '../../../src/core/config/types';
import { repoRoot } from '../../helpers/xlensProcess';

const FILE = '/work/project/xlens.yaml';

describe('kind: monitor in xlens.yaml', () => {
  it("loads the README's Monitoring example as written", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n### Monitoring\n'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const { config, errors } = parseProject(FILE, `version: 1\n${example}`);
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
    );
    const task = config!.tasks.get('monitor') as MonitorTask;
    assert.equal(task.kind, 'monitor');
    assert.equal(task.dataFile, 'predictions.csv');
    assert.equal(task.window, '1mo');
    assert.equal(task.time, 'date');
    assert.equal(task.reference, 'data/weather-2012.csv');
    assert.deepEqual(task.data, ['predictions.csv', 'data/weather-2012.csv']);
    assert.deepEqual(task.features, ['temp_max', 'wind']);
    assert.equal(task.minRows, 20);
    assert.deepEqual(task.options, { method: 'psi' });
    assert.deepEqual(task.checks, ['monitor/accuracy >= 0.6']);
  });

  it('loads the example folder', () => {
    const text = readFileSync(join(repoRoot, 'examples/weather-monitor/xlens.yaml'), 'utf8');
    const { config, errors } = parseProject(FILE, text);
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
    );
    assert.deepEqual([...config!.tasks.keys()], ['train', 'predict', 'evaluate', 'monitor']);
  });

  it('places a bad window, a bad span and a missing time at their lines', () => {
    const text = [
      'tasks:',
      '  m:',
      '    kind: monitor',
      '    data: p.csv',
      '    window: 2 weeks',
      '    reference: 2015-03-01..2015-01-01',
      '',
    ].join('\n');
    const errors = parseProject(FILE, text).errors.map((e) => `${e.line}: ${e.message}`);
    assert.ok(
      errors.some((e) => /^5: .*window: "2 weeks": not a window/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /^6: .*reference: 2015-03-01\.\.2015-01-01: a span is two ISO 8601 dates/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /time/.test(e)),
      errors.join('\n'),
    );
  });
});
