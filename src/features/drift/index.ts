/** The drift report view: what the composition root uses. */
export {
  showDriftReport,
  restoreDriftPanel,
  openRunDrift,
  openFilesDrift,
  type DriftServices,
} from './openDrift';
export { DriftPanel } from './driftPanel';
export { DRIFT_VIEW_TYPE, registerDrift } from './registration';
