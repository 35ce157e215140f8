/**
 * What the CLI does when its reader goes away (`xlens run train | head`): stdout fails with EPIPE.
 * A command that supervises a run must not die of it (the task would be stopped and the run recorded
 * as failed): it stops writing to stdout and carries on; the task's output is still all in the run's
 * `output.log`. Other commands (listings, `import --watch`) have nothing left to do and exit.
 */
import type { CliContext } from './command';

/** A stdout that can be switched off: once closed, writes are dropped (and report success). */
export interface GuardedOutput {
  /** Pass this to the command instead of the raw stream. */
  readonly stream: CliContext['stdout'];
  /** True once {@link close} was called. */
  readonly closed: boolean;
  /** Drops every later write. */
  close(): void;
}

type WriteCallback = (error?: Error | null) => void;

/**
 * Wraps `target` so that its `write` can be switched off; every other property is the target's own
 * (`isTTY`, `columns`, `on`, ...).
 */
export function guardOutput(target: CliContext['stdout']): GuardedOutput {
  let closed = false;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (closed) {
      const callback = rest.find((r): r is WriteCallback => typeof r === 'function');
      if (callback) {
        process.nextTick(callback, null);
      }
      return true;
    }
    return (target.write as (...args: unknown[]) => boolean).call(target, chunk, ...rest);
  };
  const stream = new Proxy(target, {
    get(object, property) {
      if (property === 'write') {
        return write;
      }
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
    },
  });
  return {
    stream,
    get closed() {
      return closed;
    },
    close() {
      closed = true;
    },
  };
}

/**
 * True when `argv` (the CLI's arguments, without `node` and the script) runs a task: `xlens run ...` or
 * `xlens reproduce ...`,
 * also after the global `--cwd <folder>` / `--cwd=<folder>`.
 */
export function supervisesRun(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cwd') {
      i++;
    } else if (!argv[i].startsWith('--cwd=')) {
      return argv[i] === 'run' || argv[i] === 'reproduce';
    }
  }
  return false;
}
