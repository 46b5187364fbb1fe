import type { ReactNode } from 'react';
import {
  ApartmentOutlined,
  BankOutlined,
  BarChartOutlined,
  InboxOutlined,
  LockOutlined,
  OrderedListOutlined,
  ProfileOutlined,
  AuditOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  ClusterOutlined,
  DashboardOutlined,
  DesktopOutlined,
  ExceptionOutlined,
  FlagOutlined,
  DatabaseOutlined,
  HomeOutlined,
  NodeIndexOutlined,
  ProjectOutlined,
  ReconciliationOutlined,
  ScheduleOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { Role } from '@xiangmu/contracts';

/** The password page a user who must change his password is kept on. */
export const FORCED_PASSWORD_PATH = '/change-password';

export interface NavPage {
  path: string;
  label: string;
  icon: ReactNode;
  /** roles that may open the page; absent = every signed-in user */
  roles?: readonly Role[];
}

const ADMINS: readonly Role[] = ['city_admin', 'district_admin'];
/** project.read: everyone but enterprises and grid workers */
const PROJECT_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];

/**
 * Only what exists is listed (no "建设中" placeholders). Role lists mirror
 * the server's permission table (apps/server/src/modules/access/permissions.ts);
 * the server enforces them, the menu just hides what would be refused.
 */
export const pages = {
  home: { path: '/', label: '首页', icon: <HomeOutlined /> },
  /** dashboard.read: the project readers */
  dashboard: {
    path: '/dashboard',
    label: '驾驶舱',
    icon: <DashboardOutlined />,
    roles: PROJECT_READERS,
  },
  bigScreen: {
    path: '/bigscreen',
    label: '大屏',
    icon: <DesktopOutlined />,
    roles: PROJECT_READERS,
  },
  projects: {
    path: '/projects',
    label: '项目库',
    icon: <DatabaseOutlined />,
    roles: PROJECT_READERS,
  },
  campaigns: {
    path: '/campaigns',
    label: '三个一批',
    icon: <FlagOutlined />,
    roles: PROJECT_READERS,
  },
  /** milestone.read has the same roles as project.read */
  myMilestones: {
    path: '/milestones/mine',
    label: '我的节点',
    icon: <CarryOutOutlined />,
    roles: PROJECT_READERS,
  },
  battleChart: {
    path: '/milestones/battle-chart',
    label: '作战图',
    icon: <ProjectOutlined />,
    roles: PROJECT_READERS,
  },
  /** report.read: the project readers, and enterprises for their own company's projects */
  reports: {
    path: '/reports',
    label: '月度调度',
    icon: <ReconciliationOutlined />,
    roles: [...PROJECT_READERS, 'enterprise'],
  },
  /** project problems are tickets (ADR 0015): the ledger for those who work on projects */
  problems: {
    path: '/problems',
    label: '问题台账',
    icon: <ExceptionOutlined />,
    roles: PROJECT_READERS,
  },
  /** 服务工单: ticket.act (everyone but viewers) waits in a queue */
  ticketQueue: {
    path: '/tickets/queue',
    label: '我的待办',
    icon: <InboxOutlined />,
    roles: [...PROJECT_READERS.filter((r) => r !== 'viewer'), 'grid_worker', 'enterprise'],
  },
  /** ticket.read: every role, each its share */
  tickets: { path: '/tickets', label: '工单台账', icon: <OrderedListOutlined /> },
  /** ticket.stats */
  ticketStats: {
    path: '/tickets/stats',
    label: '统计排名',
    icon: <BarChartOutlined />,
    roles: ['city_admin', 'district_admin', 'leader', 'viewer'] as const,
  },
  /** enterprise.read: the project readers */
  enterprises: {
    path: '/enterprises',
    label: '企业库',
    icon: <BankOutlined />,
    roles: PROJECT_READERS,
  },
  /** ticket_category.manage (city) and open311.manage (admins) */
  ticketSettings: {
    path: '/tickets/settings',
    label: '工单设置',
    icon: <ProfileOutlined />,
    roles: ADMINS,
  },
  users: { path: '/system/users', label: '用户管理', icon: <TeamOutlined />, roles: ADMINS },
  loginBlocks: {
    path: '/system/login-blocks',
    label: '登录限制',
    icon: <LockOutlined />,
    roles: ADMINS,
  },
  departments: {
    path: '/system/departments',
    label: '部门管理',
    icon: <ApartmentOutlined />,
    roles: ADMINS,
  },
  regions: { path: '/system/regions', label: '行政区划', icon: <ClusterOutlined />, roles: ADMINS },
  audit: { path: '/system/audit', label: '审计日志', icon: <AuditOutlined />, roles: ADMINS },
  milestoneTemplates: {
    path: '/system/milestone-templates',
    label: '节点模板',
    icon: <NodeIndexOutlined />,
    roles: ['city_admin'] as const,
  },
  calendar: {
    path: '/system/calendar',
    label: '工作日历',
    icon: <CalendarOutlined />,
    roles: ['city_admin'] as const,
  },
  jobs: {
    path: '/system/jobs',
    label: '后台任务',
    icon: <ScheduleOutlined />,
    roles: ['city_admin'] as const,
  },
} satisfies Record<string, NavPage>;

export const mayOpen = (page: NavPage, role: Role): boolean =>
  !page.roles || page.roles.includes(role);
