/**
 * What `xlens` evaluates before it knows the command: the modules reachable from `src/cli/main.ts`
 * through static imports. Each command's code, with the libraries it needs, is evaluated when that command
 * runs (the `load` of its entry in `COMMANDS`), so `xlens --help` or `xlens runs` does not set up
 * TensorBoard's protobuf schema, the JSON Schema validator, parquet decoders or the trainer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { build, type Metafile } from 'esbuild';
import { nodeBundleOptions } from '../../../scripts/esbuildOptions.mjs';
import { COMMANDS } from '../../../src/cli/main';

const root = join(__dirname, '..', '..', '..');

let eager: Set<string>;

before(async () => {
  const result = await build({
    // The options of dist/cli.js (esbuild.js).
    ...nodeBundleOptions(root),
    entryPoints: [join(root, 'src/cli/main.ts')],
    write: false,
    metafile: true,
    outfile: join(root, 'dist', 'cli-startup-check.js'),
    logLevel: 'silent',
  });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  eager = new Set();
  const queue = ['src/cli/main.ts'];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (!eager.has(file)) {
      eager.add(file);
      for (const edge of inputs[file]?.imports ?? []) {
        if (!edge.external && edge.kind !== 'dynamic-import') {
          queue.push(edge.path);
        }
      }
    }
  }
});

describe('xlens start-up', () => {
  it('evaluates no library and no command before the command is known', () => {
    const libraries = [...eager].filter((file) => file.includes('node_modules/'));
    assert.deepEqual(libraries, [], 'libraries evaluated at start-up');
    const commands = [...eager].filter((file) => file.startsWith('src/cli/commands/'));
    assert.deepEqual(commands, [], 'command modules evaluated at start-up');
    for (const heavy of [
      'src/core/config/load.ts',
      'src/core/runs/store.ts',
      'src/core/metrics/tensorboard/eventDecoder.ts',
    ]) {
      assert.ok(!eager.has(heavy), `${heavy} is imported statically from src/cli/main.ts`);
    }
  });

  it('loads each listed command under its own name, with its usage', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.match(command.usage, new RegExp(`^Usage: xlens ${entry.name}\\b`));
      assert.ok(entry.summary.length > 0 && !entry.summary.includes('\n'), entry.name);
    }
  });
});
