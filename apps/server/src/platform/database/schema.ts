// The whole database as Kysely sees it: each module owns its table types.
import type { AuditLogTable } from '../../modules/audit/audit.table';
import type { SessionTable } from '../../modules/auth/session.table';
import type { ProjectStageEventTable, ProjectTable } from '../../modules/projects/project.table';
import type {
  ImportMappingTable,
  ProjectImportRowTable,
  ProjectImportTable,
} from '../../modules/imports/import.table';
import type { RegionTable } from '../../modules/regions/region.table';
import type { DepartmentTable, UserTable } from '../../modules/users/user.table';
import type {
  CampaignBatchLockTable,
  CampaignEntryTable,
  CampaignTable,
} from '../../modules/campaigns/campaign.table';
import type { CalendarDayTable } from '../../modules/calendar/calendar.table';
import type {
  MilestoneTable,
  MilestoneTemplateTable,
} from '../../modules/milestones/milestone.table';
import type { AttachmentTable } from '../../modules/attachments/attachment.table';
import type {
  MonthlyReportPhotoTable,
  MonthlyReportTable,
  ReportMonthClosureTable,
} from '../../modules/reports/report.table';
import type { ProblemEventTable, ProblemTable } from '../../modules/problems/problem.table';
import type { JobScheduleTable, JobTable } from '../jobs/job.table';
import type { RollupProjectTable, RollupReportTable } from '../../modules/rollups/rollup.table';
import type {
  InvestmentTargetTable,
  LibrarySnapshotTable,
} from '../../modules/dashboard/dashboard.table';
import type { EnterpriseTable } from '../../modules/enterprises/enterprise.table';
import type {
  Open311ClientTable,
  TicketCategoryTable,
  TicketCoHandlerTable,
  TicketEventTable,
  TicketPhotoTable,
  TicketTable,
} from '../../modules/tickets/ticket.table';

export interface Database {
  regions: RegionTable;
  departments: DepartmentTable;
  users: UserTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  jobs: JobTable;
  job_schedules: JobScheduleTable;
  projects: ProjectTable;
  project_stage_events: ProjectStageEventTable;
  project_imports: ProjectImportTable;
  project_import_rows: ProjectImportRowTable;
  import_mappings: ImportMappingTable;
  campaigns: CampaignTable;
  campaign_entries: CampaignEntryTable;
  campaign_batch_locks: CampaignBatchLockTable;
  attachments: AttachmentTable;
  monthly_reports: MonthlyReportTable;
  monthly_report_photos: MonthlyReportPhotoTable;
  report_month_closures: ReportMonthClosureTable;
  problems: ProblemTable;
  problem_events: ProblemEventTable;
  milestone_templates: MilestoneTemplateTable;
  milestones: MilestoneTable;
  calendar_days: CalendarDayTable;
  rollup_projects: RollupProjectTable;
  rollup_reports: RollupReportTable;
  investment_targets: InvestmentTargetTable;
  library_snapshots: LibrarySnapshotTable;
  ticket_categories: TicketCategoryTable;
  enterprises: EnterpriseTable;
  open311_clients: Open311ClientTable;
  tickets: TicketTable;
  ticket_co_handlers: TicketCoHandlerTable;
  ticket_events: TicketEventTable;
  ticket_photos: TicketPhotoTable;
}
