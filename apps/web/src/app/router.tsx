import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { AppLayout } from './AppLayout';
import { FORCED_PASSWORD_PATH, pages, type NavPage } from '../session';
import { GuestOnly, NotFound, RequireAuth, RequireRole } from './guards';
// The shell may reach into a feature by path: pages for lazy loading, and the role
// lists of the sub-pages from the features' light model files (not their indexes,
// which re-export sections a page loads on demand).
import { PROJECT_MANAGERS } from '../features/projects/model';
import { REPORT_IMPORTERS } from '../features/reports/model';
import { TICKET_CREATORS } from '../features/tickets/model';
import LoginPage from '../features/auth/LoginPage';
import ForcedPasswordPage from '../features/auth/ForcedPasswordPage';
import HomePage from '../features/home/HomePage';

// Admin pages load on demand; the sign-in path stays in the first bundle.
const ProfilePage = lazy(() => import('../features/profile/ProfilePage'));
const UsersPage = lazy(() => import('../features/users/UsersPage'));
const LoginBlocksPage = lazy(() => import('../features/users/LoginBlocksPage'));
const DepartmentsPage = lazy(() => import('../features/departments/DepartmentsPage'));
const RegionsPage = lazy(() => import('../features/regions/RegionsPage'));
const AuditPage = lazy(() => import('../features/audit/AuditPage'));
const JobsPage = lazy(() => import('../features/jobs/JobsPage'));
const ProjectsPage = lazy(() => import('../features/projects/ProjectsPage'));
const ProjectImportPage = lazy(() => import('../features/projects/ProjectImportPage'));
const ProjectDetailPage = lazy(() => import('../features/projects/ProjectDetailPage'));
const CampaignsPage = lazy(() => import('../features/campaigns/CampaignsPage'));
const CampaignDetailPage = lazy(() => import('../features/campaigns/CampaignDetailPage'));
const MyMilestonesPage = lazy(() => import('../features/milestones/MyMilestonesPage'));
const BattleChartPage = lazy(() => import('../features/milestones/BattleChartPage'));
const TemplatesPage = lazy(() => import('../features/milestones/TemplatesPage'));
const CalendarPage = lazy(() => import('../features/calendar/CalendarPage'));
const ReportsPage = lazy(() => import('../features/reports/ReportsPage'));
const ReportImportPage = lazy(() => import('../features/reports/ReportImportPage'));
const ProblemsPage = lazy(() => import('../features/problems/ProblemsPage'));
const LegacyProblemRedirect = lazy(() => import('../features/problems/LegacyProblemRedirect'));
const DashboardPage = lazy(() => import('../features/dashboard/DashboardPage'));
const BigScreenPage = lazy(() => import('../features/dashboard/BigScreenPage'));
const TicketQueuePage = lazy(() => import('../features/tickets/TicketQueuePage'));
const TicketsPage = lazy(() => import('../features/tickets/TicketsPage'));
const TicketDetailPage = lazy(() => import('../features/tickets/TicketDetailPage'));
const TicketFormPage = lazy(() => import('../features/tickets/TicketFormPage'));
const TicketStatsPage = lazy(() => import('../features/tickets/TicketStatsPage'));
const TicketSettingsPage = lazy(() => import('../features/tickets/TicketSettingsPage'));
const EnterprisesPage = lazy(() => import('../features/enterprises/EnterprisesPage'));

/** 项目导入: project.manage */
const importPage: NavPage = { ...pages.projects, label: '项目导入', roles: PROJECT_MANAGERS };
/** 登记工单: ticket.create */
const newTicketPage: NavPage = {
  ...pages.tickets,
  path: '/tickets/new',
  label: '登记工单',
  roles: TICKET_CREATORS,
};
/** 导入月度调度: report.import */
const reportImportPage: NavPage = {
  ...pages.reports,
  label: '导入月度调度',
  roles: REPORT_IMPORTERS,
};

export function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <GuestOnly>
            <LoginPage />
          </GuestOnly>
        }
      />
      <Route
        path={FORCED_PASSWORD_PATH}
        element={
          <RequireAuth forcedPage>
            <ForcedPasswordPage />
          </RequireAuth>
        }
      />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<HomePage />} />
        <Route path="profile" element={<ProfilePage />} />
        {(
          [
            [pages.dashboard, <DashboardPage key="dashboard" />],
            [pages.bigScreen, <BigScreenPage key="bigscreen" />],
            [pages.projects, <ProjectsPage key="projects" />],
            [pages.campaigns, <CampaignsPage key="campaigns" />],
            [pages.myMilestones, <MyMilestonesPage key="my-milestones" />],
            [pages.battleChart, <BattleChartPage key="battle-chart" />],
            [pages.reports, <ReportsPage key="reports" />],
            [pages.problems, <ProblemsPage key="problems" />],
            [pages.ticketQueue, <TicketQueuePage key="ticket-queue" />],
            [pages.tickets, <TicketsPage key="tickets" />],
            [pages.ticketStats, <TicketStatsPage key="ticket-stats" />],
            [pages.ticketSettings, <TicketSettingsPage key="ticket-settings" />],
            [newTicketPage, <TicketFormPage key="ticket-new" />],
            [pages.enterprises, <EnterprisesPage key="enterprises" />],
            [pages.milestoneTemplates, <TemplatesPage key="milestone-templates" />],
            [pages.calendar, <CalendarPage key="calendar" />],
            [pages.users, <UsersPage key="users" />],
            [pages.loginBlocks, <LoginBlocksPage key="login-blocks" />],
            [pages.departments, <DepartmentsPage key="departments" />],
            [pages.regions, <RegionsPage key="regions" />],
            [pages.audit, <AuditPage key="audit" />],
            [pages.jobs, <JobsPage key="jobs" />],
          ] as const
        ).map(([page, element]) => (
          <Route
            key={page.path}
            path={page.path}
            element={<RequireRole page={page}>{element}</RequireRole>}
          />
        ))}
        {/* a link to a problem of the old ledger leads to the ticket it became */}
        <Route
          path={`${pages.problems.path}/:id`}
          element={
            <RequireRole page={pages.problems}>
              <LegacyProblemRedirect />
            </RequireRole>
          }
        />
        {['import', 'import/:id'].map((sub) => (
          <Route
            key={sub}
            path={`${pages.projects.path}/${sub}`}
            element={
              <RequireRole page={importPage}>
                <ProjectImportPage />
              </RequireRole>
            }
          />
        ))}
        {['import', 'import/:id'].map((sub) => (
          <Route
            key={`reports-${sub}`}
            path={`${pages.reports.path}/${sub}`}
            element={
              <RequireRole page={reportImportPage}>
                <ReportImportPage />
              </RequireRole>
            }
          />
        ))}
        <Route
          path={`${pages.projects.path}/:id`}
          element={
            <RequireRole page={pages.projects}>
              <ProjectDetailPage />
            </RequireRole>
          }
        />
        <Route
          path={`${pages.campaigns.path}/:id`}
          element={
            <RequireRole page={pages.campaigns}>
              <CampaignDetailPage />
            </RequireRole>
          }
        />
        <Route
          path={`${pages.tickets.path}/:id`}
          element={
            <RequireRole page={pages.tickets}>
              <TicketDetailPage />
            </RequireRole>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
