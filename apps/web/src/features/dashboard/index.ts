/** What other features may use of the 驾驶舱: its client and query keys (the 工作台's key figures). */
export { dashboardApi, type Dashboard } from './api';
export { dashboardKeys } from './model';
