/** The run dashboard feature: what the composition root and commands use. */
export {
  openImportedDashboard,
  openRunDashboard,
  restoreDashboard,
  type DashboardServices,
} from './openDashboard';
export { DashboardPanel } from './dashboardPanel';
export { DASHBOARD_VIEW_TYPE, registerDashboard } from './registration';
