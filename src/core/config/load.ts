/**
 * Loads `xlens.yaml`: YAML with positions, JSON Schema validation (`schemas/xlens.schema.json`),
 * params files, placeholder checks, and the typed {@link ProjectConfig}. Every problem of the file is
 * returned at once, each naming `file:line:col` and the fix, so the editor can show them all.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserInputError, formatLocation } from '../base/errors';
import { NotRegularFileError } from '../base/fileTail';
import { openRegularFile } from '../base/regularFile';
import { decodeUtf8 } from '../base/utf8';
import { schemaErrors, tasksWithErrors } from './schemaErrors';
import { readExecutor } from './executorConfig';
import { TaskBuilder } from './taskBuilder';
import type { ProjectConfig, QueueSettings, TaskConfig } from './types';
import { YamlSource } from './yamlSource';

export { TFJS_TRAIN_DEFAULTS } from './taskBuilder';

/** The config file name, at the workspace root. */
export const CONFIG_FILE = 'xlens.yaml';

/**
 * The largest `xlens.yaml` loaded: 4 MiB (about 16,000 tasks). Loading takes time in proportion to the
 * size, about 1 s per MB here, mostly the YAML parse; a larger file is refused at once, saying so.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function tooLarge(file: string, size: number): UserInputError {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return new UserInputError(
    `${file}: the file is ${mb(size)}; the largest xlens.yaml loaded is ${mb(MAX_CONFIG_BYTES)}. Move long params into params files (\`params: file.yaml\`) or split the tasks into several workspaces.`,
    { file },
  );
}

/** The outcome of loading a config: the config when the file could be read, and every problem found. */
export interface LoadResult {
  /**
   * Present when the file parsed as YAML and has a `tasks` map. Tasks with errors are left out, so
   * the editor can still offer the good ones; the CLI refuses to run when `errors` is not empty.
   */
  config?: ProjectConfig;
  /** All problems, sorted by position. Each message starts with `file:line:col: `. */
  errors: UserInputError[];
}

/**
 * Walks up from `start` to the nearest folder holding `xlens.yaml`.
 * @returns the folder, or undefined when there is none up to the filesystem root.
 */
export function findProjectRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** Reads and checks `<root>/xlens.yaml`. Never throws for bad input: problems are in `errors`. */
export async function loadProject(root: string): Promise<LoadResult> {
  const file = join(resolve(root), CONFIG_FILE);
  let text: string;
  try {
    const handle = await openRegularFile(file);
    try {
      const { size } = await handle.stat();
      if (size > MAX_CONFIG_BYTES) {
        return { errors: [tooLarge(file, size)] };
      }
      text = decodeUtf8(await handle.readFile(), file);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UserInputError) {
      return { errors: [error] };
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      error instanceof NotRegularFileError
        ? `${error.message.slice(file.length + 1)}. Make ${CONFIG_FILE} a regular file`
        : code === 'ENOENT'
          ? 'not found; run `xlens init` to create a starter file'
          : `cannot be read (${code ?? (error as Error).message}); check its permissions`;
    return { errors: [new UserInputError(`${file}: ${why}.`, { file })] };
  }
  return parseProject(file, text);
}

/**
 * Like {@link loadProject} but throws the first problem.
 * @throws UserInputError naming `file:line:col` (its message adds how many more problems there are).
 */
export async function loadProjectOrThrow(root: string): Promise<ProjectConfig> {
  const { config, errors } = await loadProject(root);
  throwIfErrors(errors);
  return config!;
}

/** Throws the first error (mentioning the count of the others), if any. */
export function throwIfErrors(errors: readonly UserInputError[]): void {
  const first = errors[0];
  if (!first) {
    return;
  }
  if (errors.length === 1) {
    throw first;
  }
  const more = errors.length - 1;
  throw new UserInputError(
    `${first.message}\n(and ${more} more problem${more === 1 ? '' : 's'} in ${first.file ?? CONFIG_FILE}:\n${errors
      .slice(1)
      .map((e) => `  ${e.message}`)
      .join('\n')})`,
    {
      file: first.file,
      line: first.line,
      column: first.column,
      endLine: first.endLine,
      endColumn: first.endColumn,
    },
  );
}

/** The message of a positioned error without its `file:line:col: ` prefix (for editor diagnostics). */
export function diagnosticMessage(error: UserInputError): string {
  if (error.file === undefined) {
    return error.message;
  }
  const prefix = `${formatLocation(error.file, error.line, error.column)}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Checks the text of an `xlens.yaml` (the editor passes unsaved buffers here).
 * @param file absolute path of the file; its folder is the workspace root (params files are read
 *   relative to it).
 */
export function parseProject(file: string, text: string): LoadResult {
  // A character is at least one byte: a text this long is beyond the limit in any encoding.
  if (text.length > MAX_CONFIG_BYTES) {
    return { errors: [tooLarge(file, Buffer.byteLength(text))] };
  }
  const source = new YamlSource(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0) {
    return { errors: syntax };
  }
  let value: unknown;
  try {
    value = source.toJS();
  } catch (error) {
    if (error instanceof UserInputError) {
      return { errors: [error] };
    }
    throw error;
  }
  const errors = schemaErrors(value, source);
  const root = dirname(file);
  const rawTasks =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>).tasks
      : undefined;
  if (rawTasks === null || typeof rawTasks !== 'object' || Array.isArray(rawTasks)) {
    return { errors: sortErrors(errors) };
  }
  const broken = tasksWithErrors(value);
  const taskNames = Object.keys(rawTasks);
  const executor = readExecutor((value as { executor?: unknown }).executor, source, ['executor'], errors);
  const tasks = new Map<string, TaskConfig>();
  for (const [name, raw] of Object.entries(rawTasks as Record<string, Record<string, unknown>>)) {
    const builder = new TaskBuilder(name, raw, source, root, taskNames, executor);
    if (broken.has(name)) {
      // Still report what else is wrong (unknown params, bad paths), as far as the shape allows.
      try {
        builder.build();
      } catch {
        // The shape is too broken for further checks; the schema errors say why.
      }
      errors.push(...builder.errors);
      continue;
    }
    const task = builder.build();
    errors.push(...builder.errors);
    if (task && builder.errors.length === 0) {
      tasks.set(name, task);
    }
  }
  const git = gitSettings(value);
  const queue = queueSettings(value, source, errors);
  const share = shareSettings(value);
  return {
    config: {
      version: 1,
      file,
      root,
      tasks,
      ...(executor ? { executor } : {}),
      ...(git ? { git } : {}),
      ...(queue ? { queue } : {}),
      ...(share ? { share } : {}),
    },
    errors: sortErrors(errors),
  };
}

/** The top-level `git:` settings (already checked against the schema). */
function gitSettings(value: unknown): ProjectConfig['git'] {
  const git = (value as { git?: { snapshot_max_file_mb?: unknown } } | null)?.git;
  const mb = git?.snapshot_max_file_mb;
  return typeof mb === 'number' && Number.isFinite(mb) && mb >= 0
    ? { snapshotMaxFileBytes: Math.round(mb * 1024 * 1024) }
    : undefined;
}

/**
 * The top-level `queue:` settings (their shape already checked against the schema; a broken shape
 * gives none). A `concurrency` above the number of `gpus` is added to `errors`: each running job
 * holds one GPU, so the extra slots could never be used.
 */
function queueSettings(
  value: unknown,
  source: YamlSource,
  errors: UserInputError[],
): QueueSettings | undefined {
  const queue = (value as { queue?: { concurrency?: unknown; gpus?: unknown } } | null)?.queue;
  if (queue === null || typeof queue !== 'object') {
    return undefined;
  }
  const gpus = Array.isArray(queue.gpus)
    ? queue.gpus.filter((g) => typeof g === 'string' || typeof g === 'number').map(String)
    : [];
  const written = queue.concurrency;
  const concurrency =
    typeof written === 'number' && Number.isInteger(written) && written >= 1
      ? written
      : Math.max(1, gpus.length);
  if (gpus.length > 0 && concurrency > gpus.length) {
    errors.push(
      source.error(
        `queue.concurrency is ${concurrency} but queue.gpus lists ${gpus.length} GPU(s): each running job ` +
          `gets one GPU, so at most ${gpus.length} can run at once. Lower concurrency or list more GPUs.`,
        ['queue', 'concurrency'],
      ),
    );
  }
  return { concurrency: Math.min(concurrency, gpus.length || concurrency), gpus };
}

/** The top-level `share:` settings (already checked against the schema). */
function shareSettings(value: unknown): ProjectConfig['share'] {
  const share = (value as { share?: { max_artifact_mb?: unknown } } | null)?.share;
  const mb = share?.max_artifact_mb;
  return typeof mb === 'number' && Number.isFinite(mb) && mb >= 0
    ? { maxArtifactBytes: Math.round(mb * 1024 * 1024) }
    : undefined;
}

/** Sorts by position and keeps one error per position (the schema's, which comes first). */
function sortErrors(errors: UserInputError[]): UserInputError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.file}:${e.line}:${e.column}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
