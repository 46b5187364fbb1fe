import type { Migration } from 'kysely';
import * as foundation from './20261122_0001_foundation';
import * as projects from './20261122_0002_projects';
import * as projectImports from './20261122_0003_project_imports';
import * as campaigns from './20261122_0004_campaigns';
import * as projectIndexes from './20261122_0005_project_indexes';
import * as milestones from './20261122_0006_milestones';
import * as monthlyReports from './20261122_0007_monthly_reports';
import * as projectSearch from './20261122_0008_project_search';
import * as reportIndexes from './20261122_0009_report_indexes';
import * as rollups from './20261201_0010_rollups';
import * as dashboard from './20261201_0011_dashboard';
import * as mapPoints from './20261201_0012_map_points';
import * as tickets from './20261201_0013_tickets';
import * as ticketQueueIndex from './20261201_0014_ticket_queue_index';
import * as importWizard from './20261203_0015_import_wizard';
import * as problemsAsTickets from './20261207_0016_problems_as_tickets';
import * as loginThrottle from './20261207_0017_login_throttle';
import * as auditChain from './20261207_0018_audit_chain';
import * as jobLiveness from './20261207_0019_job_liveness';
import * as openProblemsIndex from './20261208_0020_open_problems_index';

/**
 * Forward-only, timestamped. Add a new file and list it here; never edit a
 * migration that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '20261122_0001_foundation': foundation,
  '20261122_0002_projects': projects,
  '20261122_0003_project_imports': projectImports,
  '20261122_0004_campaigns': campaigns,
  '20261122_0005_project_indexes': projectIndexes,
  '20261122_0006_milestones': milestones,
  '20261122_0007_monthly_reports': monthlyReports,
  '20261122_0008_project_search': projectSearch,
  '20261122_0009_report_indexes': reportIndexes,
  '20261201_0010_rollups': rollups,
  '20261201_0011_dashboard': dashboard,
  '20261201_0012_map_points': mapPoints,
  '20261201_0013_tickets': tickets,
  '20261201_0014_ticket_queue_index': ticketQueueIndex,
  '20261203_0015_import_wizard': importWizard,
  '20261207_0016_problems_as_tickets': problemsAsTickets,
  '20261207_0017_login_throttle': loginThrottle,
  '20261207_0018_audit_chain': auditChain,
  '20261207_0019_job_liveness': jobLiveness,
  '20261208_0020_open_problems_index': openProblemsIndex,
};
