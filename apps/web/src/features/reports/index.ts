/** What other features may use of 月度调度: the project page's section, the reports of a month. */
export { reportsApi } from './api';
export {
  currentMonth,
  defaultReportMonth,
  monthLabel,
  REPORT_IMPORTERS,
  REPORT_OVERVIEW,
  REPORT_READERS,
  reportKeys,
} from './model';
export { ProjectReportsSection } from './ProjectReportsSection';
