/**
 * Reads a `run:` command the way `/bin/sh` does (POSIX; dash and bash agree on what is modelled) to
 * tell, for each `${params.x}` / `${runs.<task>.latest}`, whether an expansion of a variable placed
 * there is read as the value: in a word or in `"…"`, yes; in single quotes, a quoted heredoc, a
 * comment, backquotes or arithmetic, no (refused, with the reason and the fix).
 */
import { matchPlaceholders, type Placeholder } from './params';

/** How a placeholder is written into the command the shell runs. */
export type PlaceholderForm =
  /** Unquoted word context (top level, `$(…)`, `${v:-…}`): becomes `"${VAR}"`. */
  | 'word'
  /** Inside `"…"`, an unquoted heredoc body, or `${v:-…}` within `"…"`: becomes `${VAR}`. */
  | 'quoted'
  /** `${params.x:raw}`: the value itself, as shell text (the user's explicit choice). */
  | 'raw'
  /** No expansion would be read as the value here; `problem` says why and what to write instead. */
  | 'refused';

/** A placeholder of a `run:` command and how it is placed. */
export interface CommandPlaceholder {
  placeholder: Placeholder;
  /** Offset of the placeholder in the command text. */
  index: number;
  form: PlaceholderForm;
  /** For `refused`: the reason and the fix, as one sentence for the user. */
  problem?: string;
}

const MOVE_OUT =
  "pass the value as an argument instead (e.g. sh -c 'echo \"$1\"' sh ${params.x}, or python -c 'import sys; print(sys.argv[1])' ${params.x}), read it from the JSON file $XLENS_PARAMS_FILE, or write ${params.x:raw} to insert it as shell text deliberately";

/** Why each refused place is refused, and the fix. */
const REFUSED = {
  single: `is inside single quotes, where the shell expands nothing (the text is often code for another program); move it out of the quotes, or ${MOVE_OUT}`,
  heredoc: `is in the body of a quoted heredoc (<<'EOT'), where the shell expands nothing; unquote the delimiter (<<EOT), or ${MOVE_OUT}`,
  comment: 'is in a # comment, where the shell would not use it; remove it, or move it before the #',
  backtick:
    'is inside backquotes (`...`), whose text the shell reads a second time; write $(...) instead of `...`',
  arithmetic:
    'is inside $((...)), where the shell evaluates the value as an expression (which can run commands); compute outside the shell, or write ${params.x:raw} deliberately',
  pattern:
    'is a pattern of ${v#...}/${v%...}, where * ? [ in the value would match; use it as a word or in "..." instead',
  escaped: 'follows a backslash, which would make the shell keep it as written; remove the backslash',
  dollar:
    'follows a $, which sh and bash read differently before a quote; remove the $ or put a space between',
} as const;

/** One open construct of the shell's grammar while scanning a command. */
type Frame =
  | { kind: 'code'; parens: number; subst: boolean }
  | { kind: 'double' | 'single' | 'backtick' | 'comment' }
  | { kind: 'arithmetic'; parens: number }
  | { kind: 'param'; inDouble: boolean; pattern: boolean }
  | { kind: 'heredoc'; delimiter: string; quoted: boolean; stripTabs: boolean };

interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

/**
 * Where each placeholder of a `run:` command stands, as `/bin/sh` (POSIX, dash and bash) reads the
 * text: quotes, backslashes, comments, `$(…)`, backquotes, `$((…))`, `${…}` and heredocs (`<<`,
 * `<<-`, quoted or not). A construct it does not model (`$'…'`, `${` of an unusual shape, a heredoc
 * delimiter with `$`) makes every later placeholder `refused`, so nothing is guessed.
 * @returns the placeholders in order, each with its {@link PlaceholderForm}.
 */
export function commandPlaceholders(text: string): CommandPlaceholder[] {
  const found = new Map(matchPlaceholders(text).map((m) => [m.index, m.placeholder]));
  const uses: CommandPlaceholder[] = [];
  const stack: Frame[] = [{ kind: 'code', parens: 0, subst: false }];
  const pending: PendingHeredoc[] = [];
  let lost: string | undefined; // set once the scanner meets a construct it does not model
  let wordStart = true;
  let lineStart = true;

  const place = (index: number, placeholder: Placeholder, escaped: boolean): void => {
    const top = stack[stack.length - 1];
    const refuse = (problem: string): void => {
      const written = placeholder.namespace === 'params' ? `\${params.${placeholder.key}}` : placeholder.text;
      const raw =
        placeholder.namespace === 'params' ? `\${params.${placeholder.key}:raw}` : 'the path itself';
      const text = problem.replaceAll('${params.x:raw}', raw).replaceAll('${params.x}', written);
      uses.push({ placeholder, index, form: 'refused', problem: `${placeholder.text} ${text}` });
    };
    if (placeholder.raw) {
      uses.push({ placeholder, index, form: 'raw' });
    } else if (lost !== undefined) {
      refuse(
        `stands in or after ${lost}, which xlens cannot read the way every shell does; move it before that, or write \${params.x:raw} to insert the value as shell text deliberately`,
      );
    } else if (escaped) {
      refuse(REFUSED.escaped);
    } else if (text[index - 1] === '$') {
      refuse(REFUSED.dollar);
    } else if (top.kind === 'code') {
      uses.push({ placeholder, index, form: 'word' });
    } else if (top.kind === 'double' || (top.kind === 'heredoc' && !top.quoted)) {
      uses.push({ placeholder, index, form: 'quoted' });
    } else if (top.kind === 'param') {
      if (top.pattern) {
        refuse(REFUSED.pattern);
      } else {
        uses.push({ placeholder, index, form: top.inDouble ? 'quoted' : 'word' });
      }
    } else if (top.kind === 'heredoc') {
      refuse(REFUSED.heredoc);
    } else {
      refuse(REFUSED[top.kind]);
    }
  };

  let i = 0;
  while (i < text.length) {
    const top = stack[stack.length - 1];
    // A heredoc body ends at a line holding only its delimiter (after tabs, for <<-).
    if (top.kind === 'heredoc' && lineStart) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? text.length : end);
      if ((top.stripTabs ? line.replace(/^\t+/, '') : line) === top.delimiter) {
        stack.pop();
        i = end < 0 ? text.length : end + 1;
        continue;
      }
    }
    lineStart = false;
    const placeholder = found.get(i);
    if (placeholder !== undefined) {
      place(i, placeholder, false);
      i += placeholder.text.length;
      wordStart = false;
      continue;
    }
    const c = text[i];
    const next = text[i + 1] ?? '';
    // Backslash: escapes the next character except in single quotes, comments and quoted heredocs.
    if (
      c === '\\' &&
      top.kind !== 'single' &&
      top.kind !== 'comment' &&
      !(top.kind === 'heredoc' && top.quoted)
    ) {
      const escaped = found.get(i + 1);
      if (escaped !== undefined) {
        place(i + 1, escaped, true);
        i += 1 + escaped.text.length;
      } else {
        i += 2;
      }
      wordStart = false;
      continue;
    }
    if (c === '\n') {
      lineStart = true;
    }
    switch (top.kind) {
      case 'single':
        if (c === "'") {
          stack.pop();
        }
        i++;
        continue;
      case 'comment':
        if (c === '\n') {
          stack.pop();
          continue; // the newline also ends the line for the code around the comment
        }
        i++;
        continue;
      case 'backtick':
        if (c === '`') {
          stack.pop();
        }
        i++;
        continue;
      case 'arithmetic':
        if (c === '(') {
          top.parens++;
        } else if (c === ')') {
          if (top.parens === 0 && next === ')') {
            stack.pop();
            i += 2;
            continue;
          }
          top.parens--;
        }
        i++;
        continue;
      case 'heredoc':
        if (!top.quoted && c === '$') {
          i = openDollar(i);
          continue;
        }
        if (!top.quoted && c === '`') {
          stack.push({ kind: 'backtick' });
        }
        i++;
        continue;
      case 'double':
        if (c === '"') {
          stack.pop();
        } else if (c === '`') {
          stack.push({ kind: 'backtick' });
        } else if (c === '$') {
          i = openDollar(i);
          continue;
        }
        i++;
        continue;
      case 'param':
        if (c === '}') {
          stack.pop();
        } else if (c === '$') {
          i = openDollar(i);
          continue;
        } else if (c === '`') {
          stack.push({ kind: 'backtick' });
        } else if (top.inDouble && (c === '"' || c === "'")) {
          lost ??= 'a quote inside ${...} inside "..."';
        } else if (c === '"') {
          stack.push({ kind: 'double' });
        } else if (c === "'") {
          stack.push({ kind: 'single' });
        }
        i++;
        continue;
      case 'code':
        i = code(top, i);
        continue;
    }
  }
  // A placeholder the scan stepped over (in a heredoc delimiter, in an unusual ${…}) is not guessed at.
  for (const [index, placeholder] of found) {
    if (!uses.some((u) => u.index === index)) {
      lost ??= 'a construct xlens does not model';
      place(index, placeholder, false);
    }
  }
  return uses.sort((a, b) => a.index - b.index);

  /** Reads one character (or operator) of command text at `i`; returns where to go on. */
  function code(frame: Extract<Frame, { kind: 'code' }>, i: number): number {
    const c = text[i];
    const startsWord = wordStart;
    wordStart = false;
    if (c === ' ' || c === '\t') {
      wordStart = true;
    } else if (c === '\n') {
      wordStart = true;
      // Heredoc bodies start on the next line, in the order of their operators.
      for (const h of pending.splice(0).reverse()) {
        stack.push({ kind: 'heredoc', ...h });
      }
    } else if (startsWord && frame.subst && /^case(?=[\s;]|$)/.test(text.slice(i, i + 5))) {
      lost ??= 'case inside $(...)'; // its patterns' ")" would end the $( as xlens reads it
    } else if (startsWord && /^(?:\(\(|(?:\[\[|let)(?=[\s;]|$))/.test(text.slice(i, i + 4))) {
      // bash evaluates operands of ((…)), [[ … -eq … ]] and let as arithmetic, running $(…) in them.
      lost ??= `bash's "${text.slice(i, i + 3).trim()}" (arithmetic)`;
      if (c === '(') {
        frame.parens++;
      }
    } else if (c === '#' && startsWord) {
      stack.push({ kind: 'comment' });
    } else if (c === "'") {
      stack.push({ kind: 'single' });
    } else if (c === '"') {
      stack.push({ kind: 'double' });
    } else if (c === '`') {
      stack.push({ kind: 'backtick' });
    } else if (c === '$') {
      return openDollar(i);
    } else if (c === '<' && text[i + 1] === '<') {
      return heredocOperator(i);
    } else if (c === '(') {
      frame.parens++;
      wordStart = true;
    } else if (c === ')') {
      if (frame.parens > 0) {
        frame.parens--;
      } else if (frame.subst) {
        stack.pop();
      }
    } else if (';&|<>'.includes(c)) {
      wordStart = true;
    }
    return i + 1;
  }

  /** `$((`, `$(`, `${`, `$'` or a plain `$` at `i`; returns where to go on. */
  function openDollar(i: number): number {
    const rest = text.slice(i + 1, i + 3);
    if (rest === '((') {
      stack.push({ kind: 'arithmetic', parens: 0 });
      return i + 3;
    }
    if (rest[0] === '(') {
      stack.push({ kind: 'code', parens: 0, subst: true });
      wordStart = true;
      return i + 2;
    }
    if (rest[0] === "'") {
      lost ??= "$'...' quoting";
      stack.push({ kind: 'single' });
      return i + 2;
    }
    if (rest[0] === '{') {
      const head = /^\{#?(?:[A-Za-z_]\w*|\d+|[@*#?$!-])(:?[-=?+]|##?|%%?)?/.exec(text.slice(i + 1));
      if (head === null) {
        lost ??= `"${text.slice(i, i + 12)}..."`;
        stack.push({ kind: 'param', inDouble: false, pattern: true });
        return i + 2;
      }
      // Quoted when the nearest enclosing quoting (past other ${…}) is "…" or a heredoc body.
      const outer = [...stack].reverse().find((f) => f.kind !== 'param');
      const inDouble = outer?.kind === 'double' || outer?.kind === 'heredoc';
      const operator = head[1] ?? '';
      const after = i + 1 + head[0].length;
      if (operator === '' && text[after] !== '}') {
        // bash's ${v:offset}, ${v/a/b}…: arithmetic or patterns, and not POSIX.
        lost ??= `"${text.slice(i, after + 1)}..."`;
        stack.push({ kind: 'param', inDouble, pattern: true });
        return after;
      }
      stack.push({ kind: 'param', inDouble, pattern: /[#%]/.test(operator) });
      return after;
    }
    return i + 1;
  }

  /** A `<<` / `<<-` operator and its delimiter word at `i`; the body starts after the line. */
  function heredocOperator(i: number): number {
    if (text[i + 2] === '<') {
      return i + 3; // bash's here-string: the word after it is an ordinary word
    }
    let at = i + 2;
    const stripTabs = text[at] === '-';
    if (stripTabs) {
      at++;
    }
    while (text[at] === ' ' || text[at] === '\t') {
      at++;
    }
    const word = /^[^\s;&|<>()]+/.exec(text.slice(at))?.[0] ?? '';
    if (word === '' || /[$`]/.test(word)) {
      lost ??= `the heredoc "<<${word}"`;
    }
    pending.push({ delimiter: word.replace(/["'\\]/g, ''), quoted: /["'\\]/.test(word), stripTabs });
    wordStart = true;
    return at + word.length;
  }
}
