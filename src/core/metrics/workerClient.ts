/**
 * The main-thread side of the metrics worker: the extension (and anything else that must not block)
 * discovers, reads and tails metric sources through this class; the parsing runs on a worker thread
 * (`worker.ts`). If the worker dies, pending requests fail with the reason and the next call starts
 * a new worker, re-opening the live watches.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Disposable } from '../base/disposable';
import { Emitter, type Event } from '../base/emitter';
import { resolveEntrypoint, type EntrypointCommand } from '../base/entrypoints';
import type { SourceSpec } from './readers';
import type { WatchUpdate } from './watch';
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

/** Talks to one metrics worker thread, started on first use. */
export class MetricsWorkerClient implements Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly watches = new Map<number, ActiveWatch>();
  private readonly errorEmitter = new Emitter<Error>();
  private disposed = false;

  /** Fires when the worker fails (it is restarted on the next call) or a watched source cannot be read. */
  readonly onDidError: Event<Error> = this.errorEmitter.event;

  /** @param entry how to start the worker; default `resolveEntrypoint('metricsWorker')`. */
  constructor(private readonly entry: () => EntrypointCommand = () => resolveEntrypoint('metricsWorker')) {}

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
   * update. Dispose the result to stop.
   */
  watch(
    sources: SourceSpec[],
    listener: (update: WatchUpdate) => void,
    options?: WorkerWatchOptions,
  ): Disposable {
    const watchId = this.nextId++;
    this.watches.set(watchId, { sources, options, listener });
    this.send({ type: 'watch', watchId, sources, options });
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

  private ensureWorker(): Worker {
    if (this.worker) {
      return this.worker;
    }
    const worker = startWorker(this.entry());
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => {
      this.errorEmitter.fire(error);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) {
        return;
      }
      this.worker = undefined;
      this.failPending(new Error(`metrics worker exited with code ${code}`));
      if (!this.disposed && this.watches.size > 0) {
        // Re-open live watches on a fresh worker; readers start over, so listeners get full reads again.
        for (const [watchId, w] of this.watches) {
          this.ensureWorker().postMessage({
            type: 'watch',
            watchId,
            sources: w.sources,
            options: w.options,
          } satisfies ToWorker);
        }
      }
    });
    this.worker = worker;
    return worker;
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
