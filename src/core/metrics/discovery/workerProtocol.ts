/**
 * Messages between the extension host (or CLI) and the metrics worker thread (`worker.ts`).
 * Requests carry a `requestId` answered by one `reply`; a `watch` streams `update`s tagged with its
 * `watchId` until `unwatch`. Payloads are structured-cloned (Maps survive the trip).
 */
import type { ImportedRunsResult } from './importedRun';
import type { DiscoveryOptions } from './scan';
import type { ReadResult, SourceSpec } from '../readers';
import type { ReadWarning, SeriesRun } from '../series';
import type { WatchOptions, WatchUpdate } from '../watch';

/** Discovery options that can cross a thread boundary (no AbortSignal). */
export type WorkerDiscoveryOptions = Omit<DiscoveryOptions, 'signal'>;
/** Watch options that can cross a thread boundary (no reader factory). */
export type WorkerWatchOptions = Omit<WatchOptions, 'createReader'>;

/** Request name → [payload, reply value]. */
export interface WorkerRequests {
  discoverSources: [{ root: string; options?: WorkerDiscoveryOptions }, SourceSpec[]];
  discoverImportedRuns: [{ root: string; options?: WorkerDiscoveryOptions }, ImportedRunsResult];
  readSource: [{ source: SourceSpec }, { runs: SeriesRun[]; warnings: ReadWarning[]; warningCount: number }];
}

export type WorkerRequestName = keyof WorkerRequests;

export type ToWorker =
  | {
      [K in WorkerRequestName]: {
        type: 'request';
        requestId: number;
        name: K;
        payload: WorkerRequests[K][0];
      };
    }[WorkerRequestName]
  | { type: 'watch'; watchId: number; sources: SourceSpec[]; options?: WorkerWatchOptions }
  | { type: 'unwatch'; watchId: number };

export type FromWorker =
  | { type: 'reply'; requestId: number; ok: true; value: unknown }
  | { type: 'reply'; requestId: number; ok: false; error: string }
  | { type: 'update'; watchId: number; update: WatchUpdate }
  | { type: 'watchError'; watchId: number; source: SourceSpec; error: string };

export type { ReadResult };
