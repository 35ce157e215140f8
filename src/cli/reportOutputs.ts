/**
 * The `--json <file|->` and `--html <file> [--force]` outputs shared by the report commands
 * (`xlens drift`, `xlens eval`, `xlens monitor`): both paths are checked before the (possibly long)
 * work starts, then the report is printed as a table or as JSON on stdout, and written to the files.
 */
import { writeJson } from '../core/base/jsonOutput';
import type { CliContext } from './command';
import { checkOutputPath, writeOutputFile, writeOutputJson } from './outputPath';
import { inertLines } from './terminalText';

/** Where a report goes, as checked by {@link checkReportOutputs}. */
export interface ReportOutputs {
  /** True when `--json -`: JSON on stdout instead of the table. */
  jsonToStdout: boolean;
  /** Absolute path of the `--json` file. */
  json?: string;
  /** Absolute path of the `--html` file. */
  html?: string;
}

/**
 * Checks the `--json` and `--html` paths (see {@link checkOutputPath}: neither may overwrite an input,
 * the HTML file may replace only an xlens report unless `force`).
 * @param flags the parsed option values (`json`, `html`, `force`).
 * @param inputs absolute paths of the command's input files.
 * @param examples file names suggested when a path is a folder, e.g. `{ json: 'drift.json', html: 'drift.html' }`.
 * @throws UserInputError naming the flag and the fix.
 */
export function checkReportOutputs(
  cwd: string,
  flags: { json?: string; html?: string; force?: boolean },
  inputs: readonly string[],
  examples: { json: string; html: string },
): ReportOutputs {
  const { json, html } = flags;
  return {
    jsonToStdout: json === '-',
    ...(json !== undefined && json !== '-'
      ? { json: checkOutputPath(cwd, '--json', json, examples.json, { inputs: [...inputs], kind: 'json' }) }
      : {}),
    ...(html !== undefined
      ? {
          html: checkOutputPath(cwd, '--html', html, examples.html, {
            inputs: [...inputs],
            kind: 'html',
            force: flags.force === true,
          }),
        }
      : {}),
  };
}

/**
 * Prints the report and writes its files: JSON on stdout when `--json -`, else the table on stdout and
 * the JSON file when asked; then the HTML file. JSON is streamed as `JSON.stringify(value, null, 2)`;
 * each file written is said on stderr (`wrote <path>`, control characters shown inert).
 * @param report `table()` the terminal text, `json` the value written as JSON, `html()` the page.
 * @throws UserInputError when a file cannot be written after all (the disk filled up meanwhile).
 */
export async function writeReportOutputs(
  ctx: CliContext,
  outputs: ReportOutputs,
  report: { table: () => string; json: unknown; html: () => string },
): Promise<void> {
  if (outputs.jsonToStdout) {
    await writeJson(ctx.stdout, report.json);
  } else {
    ctx.stdout.write(inertLines(report.table()));
    if (outputs.json !== undefined) {
      await writeOutputJson('--json', outputs.json, report.json);
      ctx.stderr.write(inertLines(`wrote ${outputs.json}\n`));
    }
  }
  if (outputs.html !== undefined) {
    writeOutputFile('--html', outputs.html, report.html());
    ctx.stderr.write(inertLines(`wrote ${outputs.html}\n`));
  }
}
