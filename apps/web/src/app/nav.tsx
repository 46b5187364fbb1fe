import type { MenuProps } from 'antd';
import {
  CustomerServiceOutlined,
  FundProjectionScreenOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import type { Role } from '@xiangmu/contracts';
import { mayOpen, pages, type NavPage } from '../session';

type MenuItem = Required<MenuProps>['items'][number];

const item = (p: NavPage): MenuItem => ({ key: p.path, icon: p.icon, label: p.label });

export const SYSTEM_MENU_KEY = 'system';
export const PROJECTS_MENU_KEY = 'key-projects';
export const TICKETS_MENU_KEY = 'service-tickets';

export function menuItemsFor(role: Role): MenuItem[] {
  const system = [
    pages.users,
    pages.loginBlocks,
    pages.departments,
    pages.regions,
    pages.milestoneTemplates,
    pages.calendar,
    pages.audit,
    pages.jobs,
  ].filter((p) => mayOpen(p, role));
  const projects = [
    pages.projects,
    pages.campaigns,
    pages.myMilestones,
    pages.battleChart,
    pages.reports,
    pages.problems,
  ].filter((p) => mayOpen(p, role));
  const tickets = [
    pages.ticketQueue,
    pages.tickets,
    pages.ticketStats,
    pages.enterprises,
    pages.ticketSettings,
  ].filter((p) => mayOpen(p, role));
  return [
    item(pages.home),
    ...(mayOpen(pages.dashboard, role) ? [item(pages.dashboard)] : []),
    ...(projects.length
      ? [
          {
            key: PROJECTS_MENU_KEY,
            icon: <FundProjectionScreenOutlined />,
            label: '重点项目',
            children: projects.map(item),
          },
        ]
      : []),
    {
      key: TICKETS_MENU_KEY,
      icon: <CustomerServiceOutlined />,
      label: '服务工单',
      children: tickets.map(item),
    },
    ...(system.length
      ? [
          {
            key: SYSTEM_MENU_KEY,
            icon: <SettingOutlined />,
            label: '系统管理',
            children: system.map(item),
          },
        ]
      : []),
  ];
}

/** The menu key to highlight for a location. */
export function selectedMenuKey(pathname: string): string {
  const all: NavPage[] = Object.values(pages);
  const match = all
    .filter((p) => p.path !== '/' && pathname.startsWith(p.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return match?.path ?? (pathname === '/' ? '/' : '');
}
