/** Test helper: the penguins example (seeded built-in training) as files for a temp repository. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './xlensProcess';

/**
 * The example's `xlens.yaml` and data files (path → content), with the training shortened to `epochs`
 * so tests stay quick; the seed (42) is kept.
 */
export function penguinsFiles(epochs = 8): Record<string, string> {
  const dir = join(repoRoot, 'examples/penguins');
  const files: Record<string, string> = {};
  files['xlens.yaml'] = readFileSync(join(dir, 'xlens.yaml'), 'utf8').replace(
    /epochs: \d+/,
    `epochs: ${epochs}`,
  );
  for (const name of readdirSync(join(dir, 'data'))) {
    files[`data/${name}`] = readFileSync(join(dir, 'data', name), 'utf8');
  }
  return files;
}
