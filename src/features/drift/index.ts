/** The drift report view: what the composition root uses. */
export {
  registerDriftCommand,
  restoreDriftPanel,
  openRunDrift,
  openFilesDrift,
  type DriftServices,
} from './openDrift';
export { DRIFT_VIEW_TYPE, DriftPanel } from './driftPanel';
export { registerDriftSerializer } from './serializer';
