/**
 * Mistakes in what the user gives `xlens run` are user errors (exit 2, naming the file, the position
 * and the fix), never "unexpected error" (exit 1) and never a silent change of a value: YAML alias
 * bombs and cyclic aliases, special or unreadable inputs, an unwritable `.xlens`, NUL characters and
 * bytes that are not UTF-8 in `xlens.yaml`, integers beyond 2^53 given with `--set` (issue "Nothing
 * lost, nothing escapes", items 12 and 16). Every case goes through the real CLI in a temp workspace.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir, writeFiles } from '../helpers/gitRepo';
import { latestRun, startXlens, type Result } from '../helpers/xlensProcess';

const isRoot = process.getuid?.() === 0;

/** `xlens <args>` in `root`, killed (and the test failed) if it has not ended within 60 s. */
async function xlensBounded(root: string, args: string[]): Promise<Result> {
  const started = startXlens(root, args);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      reject(new Error(`xlens ${args.join(' ')} did not end within 60 s: ${started.output.stderr}`));
    }, 60_000);
  });
  try {
    return await Promise.race([started.done, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** 1-based line and column of the first `needle` in `text`. */
function positionOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Asserts a refusal: exit 2, the message at `file:position`, no stack trace, no run created. */
function assertRefused(result: Result, root: string, where: RegExp | string, why: RegExp): void {
  assert.equal(result.code, 2, `exit code 2 (bad input)\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
  if (typeof where === 'string') {
    assert.ok(result.stderr.includes(where), `stderr names ${where}:\n${result.stderr}`);
  } else {
    assert.match(result.stderr, where);
  }
  assert.match(result.stderr, why);
  assert.equal(latestRun(root), undefined, 'no run is created');
}

/** Nine times nine times ... aliases: expands a few hundred bytes into billions of values. */
function aliasBomb(indent: string): string {
  const lines = [`${indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (const [name, prev] of [...'bcdefgh'].map((c, i) => [c, 'abcdefgh'[i]])) {
    lines.push(`${indent}${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

function workspace(config: string | Buffer, files: Record<string, string> = {}): string {
  const root = tempDir('xlens-config-');
  writeFiles(root, files);
  writeFileSync(join(root, 'xlens.yaml'), config);
  return root;
}

describe('config input mistakes are user errors', () => {
  it('an alias bomb in xlens.yaml is refused at its first alias', async () => {
    const config = `version: 1\ntasks:\n  t:\n    run: echo hi\n    params:\n${aliasBomb('      ')}`;
    const root = workspace(config);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, `xlens.yaml:${positionOf(config, '*a')}:`, /aliases expand too far/);
  });

  it('an alias bomb in a params file is refused naming that file', async () => {
    const params = aliasBomb('');
    const root = workspace('version: 1\ntasks:\n  t:\n    run: echo hi\n    params: params.yaml\n', {
      'params.yaml': params,
    });
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, `params.yaml:${positionOf(params, '*a')}:`, /aliases expand too far/);
  });

  it('a cyclic alias in inline params is refused at the alias', async () => {
    const config = 'version: 1\ntasks:\n  t:\n    run: echo hi\n    params: &p {x: 1, self: *p}\n';
    const root = workspace(config);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(
      result,
      root,
      `xlens.yaml:${positionOf(config, '*p')}:`,
      /inside the value its anchor &p names/,
    );
  });

  it('a cyclic alias in a params file is refused at the alias', async () => {
    const params = 'base: &b\n  lr: 0.1\n  again: *b\n';
    const root = workspace('version: 1\ntasks:\n  t:\n    run: echo hi\n    params: params.yaml\n', {
      'params.yaml': params,
    });
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, `params.yaml:${positionOf(params, '*b')}:`, /contain itself/);
  });

  it('a FIFO as a data: input is refused as not a regular file, without blocking', async () => {
    const config = 'version: 1\ntasks:\n  t:\n    run: echo hi\n    data: [inputs.csv]\n';
    const root = workspace(config);
    execFileSync('mkfifo', [join(root, 'inputs.csv')]);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(
      result,
      root,
      `xlens.yaml:${positionOf(config, 'inputs.csv')}:`,
      /is a FIFO, not a regular file/,
    );
  });

  it('a FIFO as a params file is refused as not a regular file, without blocking', async () => {
    const config = 'version: 1\ntasks:\n  t:\n    run: echo hi\n    params: params.yaml\n';
    const root = workspace(config);
    execFileSync('mkfifo', [join(root, 'params.yaml')]);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(
      result,
      root,
      `xlens.yaml:${positionOf(config, 'params.yaml')}:`,
      /is a FIFO, not a regular file/,
    );
  });

  it(
    'an unreadable data: input is refused naming it',
    { skip: isRoot && 'root reads any file' },
    async () => {
      const config = 'version: 1\ntasks:\n  t:\n    run: echo hi\n    data: [secret.csv]\n';
      const root = workspace(config, { 'secret.csv': 'a\n1\n' });
      chmodSync(join(root, 'secret.csv'), 0o000);
      const result = await xlensBounded(root, ['run', 't']);
      assertRefused(
        result,
        root,
        `xlens.yaml:${positionOf(config, 'secret.csv')}:`,
        /cannot be read \(EACCES/,
      );
    },
  );

  it('a file where .xlens belongs is refused naming the store and the fix', async () => {
    const root = workspace('version: 1\ntasks:\n  t:\n    run: echo hi\n', { '.xlens': 'not a folder\n' });
    const result = await xlensBounded(root, ['run', 't']);
    assert.equal(result.code, 2, result.stderr);
    assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /);
    assert.match(
      result.stderr,
      /cannot write the run store .*\.xlens \((ENOTDIR|EEXIST) .*move that file away/,
    );
  });

  it(
    'a read-only .xlens is refused naming the store and the fix',
    { skip: isRoot && 'root writes anywhere' },
    async () => {
      const root = workspace('version: 1\ntasks:\n  t:\n    run: echo hi\n');
      writeFiles(root, { '.xlens/.gitignore': '*\n' });
      chmodSync(join(root, '.xlens'), 0o555);
      const result = await xlensBounded(root, ['run', 't']);
      chmodSync(join(root, '.xlens'), 0o755);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /cannot write the run store .*\(EACCES .*permission denied/);
    },
  );

  it('a NUL character in run: is refused at its position', async () => {
    const config = 'version: 1\ntasks:\n  t:\n    run: "touch made\\0; echo x"\n';
    const root = workspace(config);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, /xlens\.yaml:4:10: the value holds a NUL character/, /Remove it/);
    assert.equal(existsSync(join(root, 'made')), false);
  });

  it('a raw NUL byte in xlens.yaml is refused at its position', async () => {
    const root = workspace(Buffer.from('version: 1\ntasks:\n  t:\n    run: touch made\0x\n'));
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, /xlens\.yaml:4:/, /NUL/);
    assert.equal(existsSync(join(root, 'made')), false);
  });

  it('a byte that is not UTF-8 in xlens.yaml is refused with its byte offset, and nothing runs', async () => {
    const head = 'version: 1\ntasks:\n  t:\n    run: touch caf';
    const root = workspace(Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from('\n')]));
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(
      result,
      root,
      `xlens.yaml:4:19: the file is not UTF-8: byte 0xe9 at byte offset ${head.length}`,
      /Save the file as UTF-8/,
    );
    assert.deepEqual(
      execFileSync('ls', [root], { encoding: 'utf8' }).trim().split('\n'),
      ['xlens.yaml'],
      'no file named caf\ufffd (or anything else) is made',
    );
  });

  it('a params file that is not UTF-8 is refused with its byte offset', async () => {
    const root = workspace('version: 1\ntasks:\n  t:\n    run: echo hi\n    params: params.yaml\n');
    writeFileSync(join(root, 'params.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]));
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(
      result,
      root,
      'params.yaml:1:4: the file is not UTF-8: byte 0xff at byte offset 3',
      /UTF-8/,
    );
  });

  it('--set keeps an integer beyond 2^53 exactly as written', async () => {
    const root = workspace(
      'version: 1\ntasks:\n  t:\n    run: echo ${params.seed} > out\n    params: {seed: 1}\n',
    );
    const result = await xlensBounded(root, ['run', 't', '--set', 'seed=12345678901234567890']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(root, 'out'), 'utf8'), '12345678901234567890\n');
    assert.equal(latestRun(root)?.params.seed, '12345678901234567890');
  });

  it('an integer beyond 2^53 in a params file or inline params stays exact', async () => {
    const root = workspace(
      'version: 1\ntasks:\n  t:\n    run: echo ${params.seed} ${params.big} > out\n    params: [params.yaml, {big: -98765432109876543210}]\n',
      { 'params.yaml': 'seed: 12345678901234567890\n' },
    );
    const result = await xlensBounded(root, ['run', 't']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(root, 'out'), 'utf8'), '12345678901234567890 -98765432109876543210\n');
    assert.equal(latestRun(root)?.params.seed, '12345678901234567890');
  });

  it('an xlens.yaml that is a FIFO is refused without blocking', async () => {
    const root = tempDir('xlens-config-');
    execFileSync('mkfifo', [join(root, 'xlens.yaml')]);
    const result = await xlensBounded(root, ['run', 't']);
    assertRefused(result, root, 'xlens.yaml: ', /is a FIFO, not a regular file/);
  });
});
