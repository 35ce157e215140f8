// @ts-check
// `npm run demo`: the main job on the bundled real example, as a new user would run it.
// Copies examples/penguins into a fresh temporary git repository, commits it, runs the `train` task
// (built-in TensorFlow.js trainer) and then `eval` with the xlens CLI, and prints the runs table and
// the run folders. Set XLENS_DEMO_DIR to choose the folder (it must not exist or be empty).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const example = join(root, 'examples', 'penguins');
if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run "npm run build" first (npm run demo does it).');
  process.exit(2);
}

const dir = process.env.XLENS_DEMO_DIR ?? mkdtempSync(join(tmpdir(), 'xlens-demo-'));
mkdirSync(dir, { recursive: true });
if (readdirSync(dir).length > 0) {
  console.error(`${dir} is not empty; choose an empty folder with XLENS_DEMO_DIR.`);
  process.exit(2);
}
cpSync(example, dir, { recursive: true });

// A repository of its own; an identity only if the machine has none, so commits work anywhere.
const identity = {
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'Experiment Lens demo',
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'demo@xlens.invalid',
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'Experiment Lens demo',
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'demo@xlens.invalid',
};
/** @param {...string} args */
const git = (...args) =>
  execFileSync('git', args, { cwd: dir, env: { ...process.env, ...identity }, stdio: 'pipe' });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'Penguins example: species classifier');

// Bold command lines only in a terminal, and never when NO_COLOR is set (https://no-color.org).
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
/** @param {string} text */
const bold = (text) => (colour ? `\x1b[1m${text}\x1b[0m` : text);

/**
 * Runs `xlens <args>` in the demo workspace with its output on this terminal; stops the demo on failure.
 * @param {string} title what the step shows
 * @param {string[]} args
 */
function step(title, args) {
  console.log(`\n${bold(`$ xlens ${args.join(' ')}`)}   # ${title}`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) {
    console.error(
      `\nxlens ${args.join(' ')} exited with ${result.status ?? result.signal}; the demo stops here.`,
    );
    process.exit(result.status ?? 1);
  }
}

console.log(`Demo workspace: ${dir} (a git repository with the penguins example committed)`);
step('train a species classifier with the built-in TensorFlow.js trainer', ['run', 'train']);
step('evaluate the latest training run on the held-out penguins', ['run', 'eval']);
step('every run, tracked against git', ['runs']);
step('the training run in detail', ['show', 'latest', '--task', 'train']);

const runsDir = join(dir, '.xlens', 'runs');
console.log(`\nRun folders (${runsDir}):`);
/**
 * Prints the tree under `path`, three levels deep, with file sizes.
 * @param {string} path
 * @param {number} depth
 */
function list(path, depth) {
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    const isDir = statSync(full).isDirectory();
    console.log(`${'  '.repeat(depth)}${name}${isDir ? '/' : ` (${statSync(full).size} bytes)`}`);
    if (isDir && depth < 3) {
      list(full, depth + 1);
    }
  }
}
list(runsDir, 1);
console.log(`\nOpen ${dir} in VS Code with Experiment Lens to browse these runs and their curves.`);
