import type { Role, Ticket, TicketSource, TicketStatus } from '@xiangmu/contracts';

/**
 * Mirrors the server's permission table (apps/server/src/modules/access/permissions.ts)
 * and ticket.access.ts intakeOf; the server enforces them, the UI only hides
 * what would be refused.
 */
export const TICKET_CREATORS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'grid_worker',
  'enterprise',
];
export const TICKET_STATS_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'leader',
  'viewer',
];
export const TICKET_EXPORTERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
export const ENTERPRISE_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
export const ADMINS: readonly Role[] = ['city_admin', 'district_admin'];
export const isAdmin = (role: Role) => ADMINS.includes(role);

/** ticket.access.ts intakeOf: the sources a role may register */
export function intakeSources(role: Role): TicketSource[] {
  switch (role) {
    case 'city_admin':
    case 'district_admin':
      return ['enterprise', 'request', 'grid', 'project'];
    case 'unit_officer':
      return ['request', 'project'];
    case 'leader':
      return ['enterprise', 'project'];
    case 'grid_worker':
      return ['grid'];
    case 'enterprise':
      return ['enterprise'];
    case 'viewer':
      return [];
  }
}

export const ticketKeys = {
  all: ['tickets'] as const,
  categories: (region: string) => ['tickets', region, 'categories'] as const,
  list: (region: string, params: object) => ['tickets', region, 'list', params] as const,
  queue: (region: string, tab: string, page: number) =>
    ['tickets', region, 'queue', tab, page] as const,
  stats: (region: string, params: object) => ['tickets', region, 'stats', params] as const,
  detail: (region: string, id: number) => ['tickets', region, 'detail', id] as const,
  open311: (region: string) => ['tickets', region, 'open311'] as const,
};

export const statusColors: Record<TicketStatus, string> = {
  submitted: 'gold',
  accepted: 'cyan',
  dispatched: 'blue',
  handling: 'processing',
  replied: 'purple',
  closed: 'success',
  merged: 'default',
};

export const isOpenStatus = (s: TicketStatus) => s !== 'closed' && s !== 'merged';

/** 超期 / 即将到期 / null, from the server's own flags */
export function dueState(t: Pick<Ticket, 'status' | 'overdue' | 'dueSoon'>) {
  if (t.overdue) return 'overdue' as const;
  if (t.dueSoon && isOpenStatus(t.status)) return 'dueSoon' as const;
  return null;
}

/** A fresh idempotency key (^[A-Za-z0-9_-]{8,64}$): one per opening of the form. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  // randomUUID needs a secure context (https); getRandomValues does not
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** where closed tickets were resolved (小事不出家门 … 要事不出区) */
export const levelSayings = {
  grid: '小事不出家门、大事不出楼院',
  street: '难事不出街道',
  district: '要事不出区',
  city: '市级协调解决',
} as const;

/** a positive whole number from a URL parameter, else undefined */
export function positiveParam(v: string | null): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
