/** The run dashboard feature: what the composition root and commands use. */
export {
  openImportedDashboard,
  openRunDashboard,
  registerDashboardSerializer,
  type DashboardServices,
} from './openDashboard';
export { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboardPanel';
