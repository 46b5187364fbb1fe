export { dashboardRoutes } from './dashboard.routes';
export { snapshotLibraryJob } from './dashboard.jobs';
