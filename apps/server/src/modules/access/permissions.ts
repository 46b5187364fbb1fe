import type { Role } from '@xiangmu/contracts';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from './actor';

/**
 * What each role may do, in one table. Region data scope is the second,
 * independent check (regions/region.policy.ts): both must pass.
 */
export const permissions = {
  'user.manage': ['city_admin', 'district_admin'],
  'department.read': ['city_admin', 'district_admin', 'unit_officer', 'leader'],
  'department.manage': ['city_admin', 'district_admin'],
  'region.manage_grids': ['city_admin', 'district_admin'],
  'audit.read': ['city_admin', 'district_admin'],
  'job.manage': ['city_admin'],
  /** the whole database, every region's data and password hashes: the city only */
  'system.backup': ['city_admin'],
  'project.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'project.manage': ['city_admin', 'district_admin'],
  'campaign.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'campaign.present': ['city_admin', 'district_admin'],
  'campaign.manage': ['city_admin'],
  /** an enterprise: only his company's projects (checked in the service) */
  'report.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer', 'enterprise'],
  'report.submit': ['city_admin', 'district_admin', 'enterprise'],
  /** region figures: closings, annual completion, the template listing the region's projects */
  'report.overview': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'report.import': ['city_admin', 'district_admin'],
  'report.close_month': ['city_admin', 'district_admin'],
  'report.reopen_month': ['city_admin'],
  /** an enterprise: photos of his company's projects (checked in the service) */
  'attachment.upload': ['city_admin', 'district_admin', 'unit_officer', 'enterprise'],
  'attachment.read': [
    'city_admin',
    'district_admin',
    'unit_officer',
    'leader',
    'viewer',
    'enterprise',
  ],
  'milestone.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'milestone.manage': ['city_admin', 'district_admin'],
  /** besides the admins, the node's own 责任人 (checked in the service) */
  'milestone.complete': ['city_admin', 'district_admin', 'unit_officer', 'leader'],
  'milestone_template.manage': ['city_admin'],
  'calendar.manage': ['city_admin'],
  /** 驾驶舱, rankings, targets (read) and the briefings */
  'dashboard.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'dashboard.set_targets': ['city_admin'],
  /** tickets: each role sees its share (modules/tickets/ticket.access.ts) */
  'ticket.read': [
    'city_admin',
    'district_admin',
    'unit_officer',
    'leader',
    'viewer',
    'grid_worker',
    'enterprise',
  ],
  /** which sources a role may register: ticket.access.ts intakeOf */
  'ticket.create': [
    'city_admin',
    'district_admin',
    'unit_officer',
    'leader',
    'grid_worker',
    'enterprise',
  ],
  /** the dispatcher's steps: 受理, 派遣, 改派, 合并, 督办 */
  'ticket.dispatch': ['city_admin', 'district_admin'],
  /** 开始处置, 反馈, 退回: besides the admins, the officer of the ticket's unit (ticket.access.ts) */
  'ticket.handle': ['city_admin', 'district_admin', 'unit_officer'],
  /** 办结: the dispatcher, or the grid worker who reported it */
  'ticket.close': ['city_admin', 'district_admin', 'grid_worker'],
  /** 评价: the requester (or staff recording his answer) */
  'ticket.rate': [
    'city_admin',
    'district_admin',
    'unit_officer',
    'leader',
    'grid_worker',
    'enterprise',
  ],
  /** the queue and photos; which step on which ticket: ticket.access.ts mayAct */
  'ticket.act': [
    'city_admin',
    'district_admin',
    'unit_officer',
    'leader',
    'grid_worker',
    'enterprise',
  ],
  'ticket.stats': ['city_admin', 'district_admin', 'leader', 'viewer'],
  'ticket.export': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'ticket_category.manage': ['city_admin'],
  'enterprise.read': ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
  'enterprise.manage': ['city_admin', 'district_admin'],
  'open311.manage': ['city_admin', 'district_admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(actor.role);
}

export function assertCan(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) throw new DomainError('FORBIDDEN');
}
