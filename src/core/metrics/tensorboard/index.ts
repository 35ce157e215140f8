/**
 * TensorBoard event-file reader: TFRecord framing with masked CRC32C checks, `Event`/`Summary`
 * decoding with protobufjs, scalars from `simple_value` and one-element tensors of the `scalars`
 * plugin; incremental (per-file byte offsets) and streaming (bounded memory).
 */
export {
  TensorBoardRunReader,
  isEventFileName,
  compareEventFileNames,
  columnsToPoints,
  type PointColumns,
  type TensorBoardColumnsResult,
  type TensorBoardReadResult,
  type TensorBoardRunReaderOptions,
} from './runReader';
export {
  readTensorBoardLogdir,
  readTensorBoardRun,
  findTensorBoardRuns,
  runIdOf,
  type TensorBoardRun,
} from './logdir';
export { SCALARS_PLUGIN, NO_PLUGIN } from './eventDecoder';
export { crc32c, crc32cJs, crc32cImplementation } from './crc32c';
