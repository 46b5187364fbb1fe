export { dashboardRoutes } from './dashboard.routes';
export { snapshotLibraryJob } from './dashboard.jobs';
export { getDashboard, getRanking } from './dashboard.service';
