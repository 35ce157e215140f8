/**
 * Entry of the metrics worker thread (bundled as `dist/metricsWorker.js`): discovery, full reads and
 * live tailing run here so parsing never blocks the extension host's main thread. Speaks the
 * protocol in `workerProtocol.ts`; `MetricsWorkerClient` is the other end.
 */
import { parentPort } from 'node:worker_threads';
import { discoverImportedRuns, readSource } from './discovery';
import { discoverSources } from './scan';
import { MetricsWatcher } from '../watch';
import type { FromWorker, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) {
  throw new Error('metricsWorker must run as a worker thread (new Worker(...)), not as a script');
}

const watchers = new Map<number, MetricsWatcher>();

function post(message: FromWorker): void {
  port!.postMessage(message);
}

async function handleRequest(message: Extract<ToWorker, { type: 'request' }>): Promise<unknown> {
  switch (message.name) {
    case 'discoverSources':
      return discoverSources(message.payload.root, message.payload.options);
    case 'discoverImportedRuns':
      return discoverImportedRuns(message.payload.root, message.payload.options);
    case 'readSource':
      return readSource(message.payload.source);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'request':
      handleRequest(message).then(
        (value) => post({ type: 'reply', requestId: message.requestId, ok: true, value }),
        (error: unknown) =>
          post({
            type: 'reply',
            requestId: message.requestId,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
      break;
    case 'watch': {
      const watcher = new MetricsWatcher(message.options);
      watchers.set(message.watchId, watcher);
      watcher.onDidUpdate((update) => post({ type: 'update', watchId: message.watchId, update }));
      watcher.onDidError(({ source, error }) =>
        post({ type: 'watchError', watchId: message.watchId, source, error: error.message }),
      );
      for (const source of message.sources) {
        watcher.add(source).catch((error: unknown) =>
          post({
            type: 'watchError',
            watchId: message.watchId,
            source,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      }
      break;
    }
    case 'unwatch':
      watchers.get(message.watchId)?.dispose();
      watchers.delete(message.watchId);
      break;
  }
});
