/**
 * A `${params.x}` value never executes: hostile values × every place a placeholder can stand in a
 * `run:` command. Each combination goes through the real config loader and `resolveTask` (which
 * builds the command and the `XLENS_PARAM_*` variables), then a real `/bin/sh -c` (and `bash -c`, the
 * `/bin/sh` of macOS) with that environment, in a temp workspace. Either the value arrives intact (the
 * command writes what it received to `out`, compared byte for byte) or the config is refused at the
 * placeholder's line and column; and no file named `pwned` is ever created. A few values also go
 * through the real `TaskRunner`, which builds the child's environment itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/core/config/load';
import { resolveTask } from '../../src/core/runner/resolveTask';
import { TaskRunner } from '../../src/core/runner/taskRunner';
import { RunStore } from '../../src/core/runs/store';
import { tempDir, writeFiles } from '../helpers/gitRepo';

const VALUES: [string, string][] = [
  ['command substitution', '$(touch pwned)'],
  ['backticks', '`touch pwned`'],
  ['single-quote breakout', "'; touch pwned; '"],
  ['double-quote breakout', '"; touch pwned; "'],
  ['newlines', 'a\nb; touch pwned\nc\n'],
  ['backslashes', 'back\\slash \\" \\$(touch pwned) \\'],
  ['a heredoc delimiter line', 'x\nEOT\ntouch pwned\nEOT\n'],
  ['unicode', 'λ → 学习率 🚀 ﻿'],
  ['$HOME', '$HOME'],
  ['a glob', '*'],
  ['a brace breakout', '}; touch pwned; ${'],
  ['a paren breakout', ')); touch pwned; (('],
  ['an array subscript (bash arithmetic)', 'a[$(touch pwned)]'],
  ['a comment', '# not a comment; touch pwned'],
  ['empty', ''],
  ['a leading dash', '-n'],
];

/** `a ARGS` writes its argument count and arguments to `out`, so one argument is checked as such. */
const ARGS = `a() { printf '%s|' "$#" "$@" > out; }`;

interface Position {
  name: string;
  /** Command lines; `P` stands for the placeholder `${params.x}`. */
  run: string[];
  /** What `out` must hold, from the value; undefined when the config must be refused. */
  expect?: (value: string) => string;
}

const oneArg =
  (prefix = '', suffix = '') =>
  (v: string) =>
    `1|${prefix}${v}${suffix}|`;
/** Command substitution strips trailing newlines (POSIX). */
const substituted = (v: string) => `1|${v.replace(/\n+$/, '')}|`;

const POSITIONS: Position[] = [
  { name: 'a plain word', run: [ARGS, 'a P'], expect: oneArg() },
  { name: 'a word with text around', run: [ARGS, 'a --x=P.y'], expect: oneArg('--x=', '.y') },
  { name: 'inside "…"', run: [ARGS, 'a "v=P."'], expect: oneArg('v=', '.') },
  { name: 'an assignment', run: [ARGS, 'v=P; a "$v"'], expect: oneArg() },
  { name: "inside '…'", run: [ARGS, "a 'v=P'"] },
  { name: 'inside \'…\' after "…"', run: [ARGS, `a "it's" 'v=P'`] },
  { name: 'an unquoted heredoc body', run: ['cat > out <<EOT', 'v=P.', 'EOT'], expect: (v) => `v=${v}.\n` },
  { name: "a quoted heredoc body (<<'EOT')", run: ["cat > out <<'EOT'", 'P', 'EOT'] },
  { name: 'a quoted heredoc body (<<"EOT")', run: ['cat > out <<"EOT"', 'P', 'EOT'] },
  { name: 'a quoted heredoc body (<<-\\EOT)', run: ['cat > out <<-\\EOT', 'P', 'EOT'] },
  {
    name: 'a line after a heredoc',
    run: [ARGS, 'cat > /dev/null <<EOT', "it's", 'EOT', 'a P'],
    expect: oneArg(),
  },
  { name: 'a comment after a command', run: [ARGS, 'a ok # P'] },
  { name: "a comment with a quote (it's)", run: [ARGS, "# it's P", 'a ok'] },
  { name: 'a comment line', run: [ARGS, '# P', 'a ok'] },
  { name: 'inside "$(…)"', run: [ARGS, `a "$(printf '%s' P)"`], expect: substituted },
  { name: 'inside "$(… "…")"', run: [ARGS, `a "$(printf '%s' "P")"`], expect: substituted },
  { name: 'inside $(…)', run: [ARGS, `v=$(printf '%s' P); a "$v"`], expect: substituted },
  { name: 'inside "`…`"', run: [ARGS, 'a "`printf \'%s\' P`"'] },
  { name: 'inside `…`', run: [ARGS, "a `printf '%s' P`"] },
  { name: 'inside "${VAR:-…}"', run: [ARGS, 'a "${XLENS_UNSET:-P}"'], expect: oneArg() },
  { name: 'inside ${VAR:-…}', run: [ARGS, 'a ${XLENS_UNSET:-P}'], expect: oneArg() },
  {
    name: 'inside "$(… ${VAR:-…})"',
    run: [ARGS, `a "$(printf '%s' \${XLENS_UNSET:-P})"`],
    expect: substituted,
  },
  { name: 'a heredoc delimiter', run: ['cat > out <<P', 'x', 'P'] },
  { name: 'inside ${…} of an unusual shape', run: [ARGS, 'a "${P}"'] },
  { name: 'inside $(case …)', run: [ARGS, `v=$(case a in a) printf '%s' P;; esac); a "$v"`] },
  { name: 'inside ${VAR#…} (a pattern)', run: [ARGS, 'v=abc; a "${v#P}"'] },
  { name: 'inside $((…))', run: [ARGS, 'a $((P + 1))'] },
  { name: 'after a backslash', run: [ARGS, 'a \\P'] },
  { name: 'after a $', run: [ARGS, 'a $P'] },
  { name: "inside bash's ((…))", run: [ARGS, '(( P > 0 )) && a yes'] },
  { name: "inside bash's [[ … ]]", run: [ARGS, '[[ P -eq 1 ]] && a yes'] },
  { name: "after bash's let", run: [ARGS, 'let n=P+1; a "$n"'] },
  { name: 'after a subshell', run: [ARGS, '(cd . && a ok) && a P'], expect: oneArg() },
  {
    name: 'after two heredocs on one line',
    run: [ARGS, "cat <<'A' >/dev/null; cat <<B > out", "it's", 'A', 'b=P', 'B'],
    expect: (v) => `b=${v}\n`,
  },
  {
    name: 'a <<- heredoc body (tabs)',
    run: ['cat > out <<-EOT', '\tv=P', '\tEOT'],
    expect: (v) => `v=${v}\n`,
  },
];

const PLACEHOLDER = '${params.x}';

/** `xlens.yaml` with the position's command as a literal block scalar. */
function config(position: Position): string {
  const lines = position.run.map((l) => `      ${l.replaceAll('P', PLACEHOLDER)}`);
  return ['version: 1', 'tasks:', '  t:', '    params: { x: seed }', '    run: |', ...lines, ''].join('\n');
}

/** 1-based line and column of the first placeholder in `text`. */
function positionOf(text: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(PLACEHOLDER)).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const SHELLS = ['/bin/sh', ...(existsSync('/bin/bash') ? ['/bin/bash'] : [])];

describe('robustness: a param value never executes in run:', { skip: process.platform === 'win32' }, () => {
  it(`${VALUES.length} values × ${POSITIONS.length} positions × ${SHELLS.join(', ')}`, async () => {
    const failures: string[] = [];
    for (const position of POSITIONS) {
      const root = tempDir('xlens-params-');
      const yaml = config(position);
      writeFiles(root, { 'xlens.yaml': yaml });
      const { config: project, errors } = await loadProject(root);
      if (errors.length > 0 || !project) {
        const at = positionOf(yaml);
        const message = errors[0]?.message ?? 'no config';
        if (position.expect) {
          failures.push(`${position.name}: refused but should run: ${message}`);
        } else if (!message.includes(`xlens.yaml:${at.line}:${at.column}:`)) {
          failures.push(
            `${position.name}: refused at the wrong place (want ${at.line}:${at.column}): ${message}`,
          );
        } else if (errors[0].line !== at.line || errors[0].column !== at.column) {
          failures.push(`${position.name}: the error's line/column fields are not ${at.line}:${at.column}`);
        }
        continue;
      }
      if (!position.expect) {
        failures.push(`${position.name}: accepted but must be refused`);
      }
      const store = new RunStore(root);
      for (const [label, value] of VALUES) {
        const resolved = await resolveTask(project, project.tasks.get('t')!, store, { x: value });
        assert.equal(resolved.task.kind, 'command');
        const run = resolved.task.kind === 'command' ? resolved.task.run : '';
        const paramEnv = (resolved as { paramEnv?: Record<string, string> }).paramEnv ?? {};
        for (const shell of SHELLS) {
          rmSync(join(root, 'out'), { force: true });
          const child = spawnSync(shell, ['-c', run], {
            cwd: root,
            env: { ...process.env, ...paramEnv },
            encoding: 'utf8',
          });
          const where = `${position.name} × ${label} (${shell})`;
          if (existsSync(join(root, 'pwned'))) {
            failures.push(`${where}: EXECUTED (pwned created)`);
            rmSync(join(root, 'pwned'));
            continue;
          }
          if (!position.expect) {
            continue; // already reported as accepted
          }
          const out = existsSync(join(root, 'out')) ? readFileSync(join(root, 'out'), 'utf8') : undefined;
          if (out !== position.expect(value)) {
            failures.push(
              `${where}: got ${JSON.stringify(out)}, want ${JSON.stringify(position.expect(value))}${
                child.stderr ? ` (stderr: ${child.stderr.trim()})` : ''
              }`,
            );
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('refusals name the fix', async () => {
    const root = tempDir('xlens-params-');
    const yaml = config({ name: 'single', run: ['python -c \'print("P")\''] });
    writeFiles(root, { 'xlens.yaml': yaml });
    const { errors } = await loadProject(root);
    const at = positionOf(yaml);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, new RegExp(`xlens\\.yaml:${at.line}:${at.column}: .*single quotes`));
    assert.match(errors[0].message, /"\$1"|sys\.argv/);
    assert.match(errors[0].message, /:raw/);
  });

  it('gives keys that map to one variable name distinct names, and ${runs.<task>.latest} its own', async () => {
    const root = tempDir("xlens-params-it's $(touch pwned) ");
    writeFiles(root, {
      'args.js': `require('fs').writeFileSync('argv.json', JSON.stringify(process.argv.slice(2)));`,
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  first:',
        '    run: "true"',
        '  t:',
        "    params: { a.b: '$(touch pwned)', a_b: '`touch pwned`', A-B: x }",
        '    run: node args.js ${params.a.b} ${params.a_b} "${params.A-B}" ${params.a.b} ${runs.first.latest}',
        '',
      ].join('\n'),
    });
    const store = new RunStore(root);
    const runner = new TaskRunner((await loadProject(root)).config!, store, { killGraceMs: 300 });
    const first = await runner.run('first');
    const run = await runner.run('t');
    assert.equal(run.status, 'succeeded', run.error);
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'argv.json'), 'utf8')), [
      '$(touch pwned)',
      '`touch pwned`',
      'x',
      '$(touch pwned)',
      store.runDir(first.id),
    ]);
    const task = JSON.parse(readFileSync(store.file(run.id, 'task'), 'utf8')) as Record<string, unknown>;
    assert.equal(
      task.run,
      'node args.js "${XLENS_PARAM_A_B}" "${XLENS_PARAM_A_B_2}" "${XLENS_PARAM_A_B_3}" "${XLENS_PARAM_A_B}" "${XLENS_RUNS_FIRST_LATEST}"',
    );
    assert.deepEqual(task.paramEnv, {
      XLENS_PARAM_A_B: '$(touch pwned)',
      XLENS_PARAM_A_B_2: '`touch pwned`',
      XLENS_PARAM_A_B_3: 'x',
      XLENS_RUNS_FIRST_LATEST: store.runDir(first.id),
    });
    assert.equal(existsSync(join(root, 'pwned')), false);
  });

  it('the real runner passes hostile values as XLENS_PARAM_* variables, one argument each', async () => {
    const root = tempDir('xlens-params-');
    writeFiles(root, {
      'args.js': `require('fs').writeFileSync('argv.json', JSON.stringify({ argv: process.argv.slice(2), lr: process.env.XLENS_PARAM_LR, name: process.env.XLENS_PARAM_RUN_NAME }));`,
      'xlens.yaml': [
        'version: 1',
        'tasks:',
        '  t:',
        '    params: { lr: 0.1, run: { name: seed } }',
        '    run: |',
        '      # a comment without placeholders',
        '      node args.js ${params.lr} "n=${params.run.name}" ${params.run.name}',
        '',
      ].join('\n'),
    });
    const project = (await loadProject(root)).config!;
    const runner = new TaskRunner(project, new RunStore(root), { killGraceMs: 300, pollIntervalMs: 50 });
    for (const [label, value] of VALUES) {
      const run = await runner.run('t', { overrides: { 'run.name': value } });
      assert.equal(run.status, 'succeeded', `${label}: ${run.error}`);
      assert.equal(existsSync(join(root, 'pwned')), false, `${label}: pwned`);
      const got = JSON.parse(readFileSync(join(root, 'argv.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(got, { argv: ['0.1', `n=${value}`, value], lr: '0.1', name: value }, label);
      assert.deepEqual(run.params, { lr: 0.1, 'run.name': value });
    }
  });
});
