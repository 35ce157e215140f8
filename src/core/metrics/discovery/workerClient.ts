/**
 * The main-thread side of the metrics worker: the extension (and anything else that must not block)
 * discovers, reads and tails metric sources through this class; the parsing runs on a worker thread
 * (`worker.ts`). If the worker dies, pending requests fail with the reason; live watches are re-opened
 * on a new worker after a back-off (1 s, 2 s, 4 s … at most 60 s), and their listeners get a fresh
 * `initial` read (consumers replace what they hold with it). After {@link DEFAULT_MAX_CRASHES} crashes in a
 * row the watches are given up: each listener gets an update carrying the reason and
 * {@link MetricsWorkerClient.onDidError} fires once with a {@link MetricsWorkerGaveUpError} naming the sources.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Disposable } from '../../base/disposable';
import { Emitter, type Event } from '../../base/emitter';
import { resolveEntrypoint, type EntrypointCommand } from '../../base/entrypoints';
import type { SourceSpec } from '../readers';
import type { WatchUpdate } from '../watch';
import type {
  FromWorker,
  ToWorker,
  WorkerDiscoveryOptions,
  WorkerRequestName,
  WorkerRequests,
  WorkerWatchOptions,
} from './workerProtocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface ActiveWatch {
  sources: SourceSpec[];
  options?: WorkerWatchOptions;
  listener: (update: WatchUpdate) => void;
}

/** Crashes in a row after which live watches are given up. */
export const DEFAULT_MAX_CRASHES = 5;
/** A worker that ran this long (ms) before it died starts the crash count afresh. */
export const DEFAULT_STABLE_MS = 60_000;

/**
 * Wait (ms) before re-opening watches after the `crash`-th crash in a row (1-based): 1 s, doubled per
 * crash, at most 60 s.
 */
export function restartDelayMs(crash: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, crash - 1));
}

/** How the client starts and restarts its worker; the defaults suit the editor. */
export interface MetricsWorkerClientOptions {
  /** How to start the worker; default `resolveEntrypoint('metricsWorker')`. */
  entry?: () => EntrypointCommand;
  /** Creates the thread for an entry; default {@link startWorker}. */
  createWorker?: (entry: EntrypointCommand) => Worker;
  /** Wait in ms before restarting after the n-th crash in a row; default {@link restartDelayMs}. */
  restartDelayMs?: (crash: number) => number;
  /** Crashes in a row after which watches are given up; default {@link DEFAULT_MAX_CRASHES}. */
  maxCrashes?: number;
  /** Uptime in ms after which a crash no longer counts as "in a row"; default {@link DEFAULT_STABLE_MS}. */
  stableMs?: number;
}

/** Fired once when the worker kept crashing while following `sources` and the client stopped trying. */
export class MetricsWorkerGaveUpError extends Error {
  constructor(
    readonly sources: SourceSpec[],
    readonly crashes: number,
  ) {
    super(
      `the metrics worker crashed ${crashes} times in a row while following ` +
        `${sources.map((s) => `${s.path} (${s.format})`).join(', ')}; stopped following ` +
        `${sources.length === 1 ? 'it' : 'them'}. Reopen the dashboard to try again.`,
    );
    this.name = 'MetricsWorkerGaveUpError';
  }
}

/** Talks to one metrics worker thread, started on first use. */
export class MetricsWorkerClient implements Disposable {
  private worker: Worker | undefined;
  private workerStartedAt = 0;
  private nextId = 1;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly watches = new Map<number, ActiveWatch>();
  private readonly errorEmitter = new Emitter<Error>();
  private disposed = false;
  private readonly options: Required<MetricsWorkerClientOptions>;

  /**
   * Fires when the worker fails (it is restarted after a back-off, see the class comment) or a watched
   * source cannot be read; with a {@link MetricsWorkerGaveUpError} when the client stops restarting.
   */
  readonly onDidError: Event<Error> = this.errorEmitter.event;

  constructor(options: MetricsWorkerClientOptions = {}) {
    this.options = {
      entry: options.entry ?? (() => resolveEntrypoint('metricsWorker')),
      createWorker: options.createWorker ?? startWorker,
      restartDelayMs: options.restartDelayMs ?? restartDelayMs,
      maxCrashes: options.maxCrashes ?? DEFAULT_MAX_CRASHES,
      stableMs: options.stableMs ?? DEFAULT_STABLE_MS,
    };
  }

  discoverSources(root: string, options?: WorkerDiscoveryOptions): Promise<SourceSpec[]> {
    return this.request('discoverSources', { root, options });
  }

  discoverImportedRuns(
    root: string,
    options?: WorkerDiscoveryOptions,
  ): Promise<WorkerRequests['discoverImportedRuns'][1]> {
    return this.request('discoverImportedRuns', { root, options });
  }

  readSource(source: SourceSpec): Promise<WorkerRequests['readSource'][1]> {
    return this.request('readSource', { source });
  }

  /**
   * Tails `sources` on the worker; `listener` gets the initial read of each source, then every
   * update. After a worker restart it gets a new `initial` read of each source (replace, do not
   * append); an update with `error` says a source could not be read. Dispose the result to stop.
   * @throws Error when the client is disposed.
   */
  watch(
    sources: SourceSpec[],
    listener: (update: WatchUpdate) => void,
    options?: WorkerWatchOptions,
  ): Disposable {
    if (this.disposed) {
      throw new Error('metrics worker client disposed');
    }
    const watchId = this.nextId++;
    this.watches.set(watchId, { sources, options, listener });
    if (this.worker) {
      this.worker.postMessage({ type: 'watch', watchId, sources, options } satisfies ToWorker);
    } else {
      this.ensureWorker(); // opens every watch, this one included
    }
    this.updateRef();
    return {
      dispose: () => {
        if (this.watches.delete(watchId) && this.worker) {
          this.worker.postMessage({ type: 'unwatch', watchId } satisfies ToWorker);
        }
        this.updateRef();
      },
    };
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.watches.clear();
    this.failPending(new Error('metrics worker client disposed'));
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.errorEmitter.dispose();
  }

  private request<K extends WorkerRequestName>(
    name: K,
    payload: WorkerRequests[K][0],
  ): Promise<WorkerRequests[K][1]> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.send({ type: 'request', requestId, name, payload } as ToWorker);
        this.updateRef();
      } catch (error) {
        this.pending.delete(requestId);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private send(message: ToWorker): void {
    if (this.disposed) {
      throw new Error('metrics worker client disposed');
    }
    this.ensureWorker().postMessage(message);
  }

  /** The running worker, or a new one on which every live watch is opened. */
  private ensureWorker(): Worker {
    if (this.worker) {
      return this.worker;
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.options.createWorker(this.options.entry());
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => {
      this.errorEmitter.fire(error);
    });
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
    this.workerStartedAt = Date.now();
    // Watches outlive workers: a new worker reads every source from its start.
    for (const [watchId, w] of this.watches) {
      worker.postMessage({
        type: 'watch',
        watchId,
        sources: w.sources,
        options: w.options,
      } satisfies ToWorker);
    }
    return worker;
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) {
      return; // terminated by dispose()
    }
    this.worker = undefined;
    this.failPending(new Error(`metrics worker exited with code ${code}`));
    if (Date.now() - this.workerStartedAt >= this.options.stableMs) {
      this.crashes = 0;
    }
    this.crashes++;
    if (this.disposed || this.watches.size === 0) {
      return; // the next call starts a new worker
    }
    if (this.crashes >= this.options.maxCrashes) {
      this.giveUp(code);
      return;
    }
    const delay = this.options.restartDelayMs(this.crashes);
    this.errorEmitter.fire(
      new Error(
        `metrics worker exited with code ${code} (crash ${this.crashes} in a row); ` +
          `following ${this.watches.size === 1 ? 'its source' : 'its sources'} again in ${Math.round(delay / 100) / 10} s`,
      ),
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.disposed && !this.worker && this.watches.size > 0) {
        this.ensureWorker();
        this.updateRef();
      }
    }, delay);
  }

  /** Stops following every watched source, telling each listener why, and reports it once. */
  private giveUp(code: number): void {
    const watches = [...this.watches.values()];
    this.watches.clear();
    const crashes = this.crashes;
    this.crashes = 0;
    const sources = watches.flatMap((w) => w.sources);
    const reason = `the metrics worker crashed ${crashes} times in a row (last exit code ${code}); stopped following it`;
    for (const w of watches) {
      for (const source of w.sources) {
        w.listener({
          source,
          result: { runs: [], warnings: [] },
          initial: true,
          trigger: 'initial',
          readAt: Date.now(),
          error: reason,
        });
      }
    }
    this.errorEmitter.fire(new MetricsWorkerGaveUpError(sources, crashes));
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        this.updateRef();
        if (message.ok) {
          pending?.resolve(message.value);
        } else {
          pending?.reject(new Error(message.error));
        }
        break;
      }
      case 'update':
        this.watches.get(message.watchId)?.listener(message.update);
        break;
      case 'watchError':
        this.errorEmitter.fire(new Error(`${message.source.path}: ${message.error}`));
        break;
    }
  }

  /** Keeps the process alive only while a request is pending or a watch is open. */
  private updateRef(): void {
    if (this.pending.size > 0 || this.watches.size > 0) {
      this.worker?.ref();
    } else {
      this.worker?.unref();
    }
  }

  private failPending(error: Error): void {
    for (const p of this.pending.values()) {
      p.reject(error);
    }
    this.pending.clear();
  }
}

/**
 * Starts a worker thread from an entry. From sources (tsx), `--import tsx` in a worker's execArgv
 * registers its loader too late for the worker's own entry module on Node 20, so the worker is started
 * from a two-line CommonJS bootstrap that installs tsx's require hook first.
 */
export function startWorker(entry: EntrypointCommand): Worker {
  if (!entry.execArgv.some((arg) => arg.includes('tsx'))) {
    return new Worker(entry.script, { execArgv: entry.execArgv });
  }
  const tsx = createRequire(entry.script).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry.script)});`, {
    eval: true,
    execArgv: [],
  });
}
