/**
 * Metric readers of Experiment Lens: one series model (`series.ts`) fed by our JSONL protocol,
 * TensorBoard, MLflow (file and SQLite stores), DVCLive and Keras/Lightning CSV logs; discovery of
 * such logs in a workspace; live tailing; and the worker-thread client the extension uses.
 */
export type { MetricPoint, MetricSourceKind, ReadWarning, SeriesRun } from './series';
export {
  SeriesAccumulator,
  countPoints,
  emptyResult,
  isEmptyResult,
  readAll,
  runKey,
  type MetricReader,
  type ReadResult,
  type SourceSpec,
} from './readers';
export {
  CompositeReader,
  TensorBoardSourceReader,
  createReader,
  registerReaderFactory,
} from './readerFactory';
export { MlflowFileStoreReader } from './mlflow/fileStore';
export { MlflowSqliteReader } from './mlflow/sqliteStore';
export { mlflowStatus } from './mlflow/common';
export { DvcliveReader } from './dvclive/dvcliveReader';
export { KerasCsvReader } from './csv/kerasCsv';
export { LightningCsvReader } from './csv/lightningCsv';
export { JsonlReader } from './jsonlReader';
export {
  DEFAULT_DISCOVERY_GLOBS,
  DEFAULT_IGNORED_FOLDERS,
  classifyCsv,
  createSourceReader,
  discoverImportedRuns,
  discoverSources,
  mergeTaskSources,
  projectTaskSources,
  readSource,
  sourcesFromTask,
  type DiscoveryOptions,
  type ImportedRun,
  type ImportedRunsResult,
  type TaskSource,
} from './discovery';
export { findImportedRun, pickImportedRun } from './findImported';
export { MetricsWatcher, type WatchOptions, type WatchUpdate } from './watch';
export { MetricsWorkerClient } from './workerClient';
