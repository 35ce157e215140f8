/**
 * Mistakes in a command's options and arguments read alike in every command: one line
 * `xlens <command>: <what is wrong> (<the fix>; see xlens <command> --help)` on stderr, exit 2, no
 * stack trace, nothing on stdout: unknown options (with the nearest known one), missing values, a value
 * starting with a dash after a space, a value given to a flag, bad values, and wrong argument counts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { makeRepo } from '../../helpers/gitRepo';
import { xlens, xlensInProcess } from '../../helpers/xlensProcess';

/** [arguments, what the line must say] */
const CASES: [string[], RegExp][] = [
  [['runs', '--bogus'], /unknown option --bogus \(the options are --task, .*--csv; see/],
  [['runs', '--sortt', 'loss'], /unknown option --sortt \(did you mean --sort; see/],
  [['show', '--jsn', 'latest'], /unknown option --jsn \(did you mean --json; see/],
  [['init', '--x'], /unknown option --x \(this command takes no options; see/],
  [['runs', '--limit'], /--limit needs a value \(write --limit <value> or --limit=<value>; see/],
  [['compare', 'a', 'b', '--metrics'], /--metrics needs a value \(/],
  [
    ['runs', '--sort', '-XYZ'],
    /--sort needs a value, and "-XYZ" after it reads as an option \(for a value starting with -, write --sort=-XYZ; see/,
  ],
  [['runs', '--json=1'], /--json takes no value \("1"\) \(write --json alone; see/],
  [['diff', '--patch=yes', 'a', 'b'], /--patch takes no value/],
  [['runs', '--limit', 'x'], /--limit must be a whole number >= 1, not "x" \(e\.g\. --limit 20; see/],
  [
    ['runs', '--sort=-XYZ'],
    /--sort: no run has a metric or param "XYZ" \(name a param as params\.<key>, .*; see/,
  ],
  [['runs', '--columns', 'a,,b'], /--columns: an empty name in "a,,b" \(/],
  [['runs', '--csv', '--json'], /--csv and --json are alternatives \(give one; see/],
  [['compare', 'latest'], /needs at least two runs \(got 1\) \(e\.g\. xlens compare /],
  [['diff', 'a'], /needs two runs \(got 1\) \(/],
  [['gc', '--keep=-1'], /--keep must be a whole number >= 0/],
];

describe('option and argument errors: one line in one shape', () => {
  let root: string;
  before(() => {
    root = makeRepo({
      'xlens.yaml': 'version: 1\ntasks:\n  t:\n    run: node -e "0"\n',
      '.gitignore': '.xlens/\n',
    });
  });

  for (const [args, says] of CASES) {
    it(`xlens ${args.join(' ')}`, async () => {
      const result = await xlensInProcess(root, args);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      const command = args[0];
      const lines = result.stderr.split('\n');
      assert.equal(lines.length, 2, `one line:\n${result.stderr}`);
      assert.match(lines[0], new RegExp(`^xlens ${command}: .+ \\(.*see xlens ${command} --help\\)$`));
      assert.match(lines[0], says);
      assert.doesNotMatch(lines[0], /xlens: xlens|\.\.|\.\)|\. \(|\(\(/, 'no doubled prefix or stops');
    });
  }

  it('reads the same from the real process, without a stack trace', async () => {
    const result = await xlens(root, ['runs', '--sort', '-XYZ']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'xlens runs: --sort needs a value, and "-XYZ" after it reads as an option (for a value starting with -, write --sort=-XYZ; see xlens runs --help)\n',
    );
  });
});
