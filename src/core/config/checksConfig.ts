/**
 * A task's `checks:` and `baseline:` in `xlens.yaml`, checked when the file loads: every check parses
 * (`src/core/checks/grammar.ts`), a check naming `baseline` has a `baseline:` to refer to, and a
 * `baseline: latest:<task>` names a task of the file. Each problem is a user error at its line and
 * column (inside the check's text where the text appears verbatim in the file).
 */
import type { UserInputError } from '../base/errors';
import { parseBaseline } from '../checks/baseline';
import { CheckSyntaxError, parseCheck } from '../checks/grammar';
import { closest } from './suggest';
import type { YamlPath, YamlSource } from './yamlSource';

/** The `checks` and `baseline` of a task, as stored in its config (absent when not declared). */
export interface TaskChecks {
  checks?: string[];
  baseline?: string;
}

/**
 * Reads and checks a task's `checks:` (a string or a list of strings, after the schema) and
 * `baseline:`. Problems are pushed to `errors`.
 * @param path the task's path in the document (`['tasks', name]`).
 */
export function taskChecks(
  raw: Record<string, unknown>,
  source: YamlSource,
  path: YamlPath,
  taskNames: readonly string[],
  errors: UserInputError[],
): TaskChecks {
  const written = raw.checks;
  const list = typeof written === 'string' ? [written] : Array.isArray(written) ? written : [];
  const checks: string[] = [];
  list.forEach((text, i) => {
    if (typeof text !== 'string') {
      return; // the schema reports it
    }
    const at: YamlPath = typeof written === 'string' ? [...path, 'checks'] : [...path, 'checks', i];
    try {
      const check = parseCheck(text);
      if (check.right.kind === 'baseline' && raw.baseline === undefined) {
        errors.push(
          source.errorAt(
            `check ${JSON.stringify(text)} compares with \`baseline\`, but the task declares no \`baseline:\`. Add e.g. \`baseline: latest:${String(path[path.length - 1])}\` (its previous succeeded run) or \`baseline: latest:<task>@main\`.`,
            source.rangeWithin(at, 'baseline'),
          ),
        );
      }
      checks.push(text);
    } catch (error) {
      if (!(error instanceof CheckSyntaxError)) {
        throw error;
      }
      errors.push(
        source.errorAt(
          `check ${JSON.stringify(text)}: ${error.message}.`,
          offsetRange(source, at, text, error.offset),
        ),
      );
    }
  });
  const baseline = typeof raw.baseline === 'string' ? raw.baseline : undefined;
  if (baseline !== undefined) {
    checkBaseline(baseline, source, [...path, 'baseline'], String(path[path.length - 1]), taskNames, errors);
  }
  return {
    ...(written !== undefined ? { checks } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
  };
}

function checkBaseline(
  baseline: string,
  source: YamlSource,
  at: YamlPath,
  ownTask: string,
  taskNames: readonly string[],
  errors: UserInputError[],
): void {
  let ref;
  try {
    ref = parseBaseline(baseline, ownTask);
  } catch (error) {
    errors.push(source.error((error as Error).message, at));
    return;
  }
  if (ref.kind === 'latest' && !taskNames.includes(ref.task)) {
    const near = closest(ref.task, [...taskNames]);
    errors.push(
      source.errorAt(
        `baseline ${JSON.stringify(baseline)} names no task "${ref.task}".${near ? ` Did you mean "latest:${near}"?` : ` Tasks: ${taskNames.join(', ')}.`}`,
        source.rangeWithin(at, ref.task),
      ),
    );
  }
}

/**
 * The range of `offset` inside the scalar at `at`: exact when the check's text appears verbatim in
 * the file (plain and most quoted scalars), else the scalar itself.
 */
function offsetRange(source: YamlSource, at: YamlPath, text: string, offset: number) {
  const node = source.nodeAt(at);
  if (node?.range) {
    const written = source.text.slice(node.range[0], node.range[1]);
    const start = written.indexOf(text);
    if (start >= 0 && text !== '') {
      const from = node.range[0] + start + Math.min(offset, text.length);
      return source.rangeOfOffsets(from, Math.min(from + 1, node.range[0] + start + text.length));
    }
  }
  return source.rangeOf(at);
}
