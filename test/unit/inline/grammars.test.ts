/**
 * The grammars of syntaxes/: the placeholder injection matches our placeholders only, and the run
 * output grammar gives tracebacks, errors, warnings, progress and key=value metrics their scopes.
 * The Oniguruma patterns used are also JavaScript patterns (`(?i:…)` aside, rewritten here).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Rule {
  match: string;
  name?: string;
  captures?: Record<string, { name: string }>;
}
interface Grammar {
  scopeName: string;
  patterns: { include: string }[];
  repository: Record<string, Rule>;
}

function grammar(file: string): Grammar {
  return JSON.parse(readFileSync(`syntaxes/${file}`, 'utf8')) as Grammar;
}

function regex(rule: Rule): RegExp {
  // Oniguruma's `(?i:…)` group becomes a case-insensitive pattern (JavaScript has no inline flags).
  return rule.match.includes('(?i:')
    ? new RegExp(rule.match.replace(/\(\?i:/g, '(?:'), 'i')
    : new RegExp(rule.match);
}

/** The scopes the first rule (in the grammar's order) that matches `line` gives, with the text of each. */
function scopes(g: Grammar, line: string): string[] {
  for (const { include } of g.patterns) {
    const rule = g.repository[include.slice(1)];
    const m = regex(rule).exec(line);
    if (!m) {
      continue;
    }
    const out = rule.name ? [`${rule.name.split(' ')[0]}=${m[0]}`] : [];
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      if (m[Number(group)] !== undefined) {
        out.push(`${capture.name}=${m[Number(group)]}`);
      }
    }
    return out;
  }
  return [];
}

describe('syntaxes/', () => {
  it('highlights ${params.…} and ${runs.…} placeholders in YAML, nothing else', () => {
    const g = grammar('xlens-placeholders.injection.json');
    assert.equal(g.scopeName, 'xlens.placeholders.injection');
    const found = scopes(g, 'run: python train.py --lr ${params.lr} ${HOME}');
    assert.ok(found.includes('variable.language.xlens=params'));
    assert.ok(found.includes('variable.other.property.xlens=lr'));
    assert.ok(
      scopes(g, 'model: ${runs.train.latest}/artifacts').includes(
        'variable.other.property.xlens=train.latest',
      ),
    );
    assert.deepEqual(scopes(g, 'path: ${HOME}/data'), []);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
    };
    assert.deepEqual(pkg.contributes.grammars.find((c) => c.scopeName === g.scopeName)?.injectTo, [
      'source.yaml',
    ]);
  });

  it('gives run output lines their scopes', () => {
    const g = grammar('xlens-log.tmLanguage.json');
    assert.deepEqual(scopes(g, 'Traceback (most recent call last):'), [
      'invalid.traceback.header.xlens=Traceback (most recent call last):',
    ]);
    assert.ok(scopes(g, '  File "train.py", line 12, in main').includes('constant.numeric.line.xlens=12'));
    assert.ok(scopes(g, 'ValueError: bad shape').includes('invalid.exception.name.xlens=ValueError'));
    assert.ok(scopes(g, 'UserWarning: lr is high')[0].startsWith('markup.changed.warning'));
    assert.ok(scopes(g, 'Epoch 3/40 - loss: 0.31').includes('constant.numeric.progress.total.xlens=40'));
    assert.deepEqual(scopes(g, 'val_loss=0.25 acc=0.9'), [
      'variable.other.metric.xlens=val_loss',
      'keyword.operator.assignment.xlens==',
      'constant.numeric.metric.xlens=0.25',
    ]);
  });
});
