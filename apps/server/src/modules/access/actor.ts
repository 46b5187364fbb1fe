import type { Role } from '@xiangmu/contracts';

/** The authenticated user behind a request, as every service and policy sees it. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  phone: string | null;
  role: Role;
  regionCode: string;
  regionName: string;
  departmentId: number | null;
  departmentName: string | null;
  /** the region the user is working in now (region switcher); always inside his own */
  activeRegionCode: string;
  activeRegionName: string;
  /** materialised path of the active region: the root of his data scope */
  scopePath: string;
  mustChangePassword: boolean;
  sessionId: number;
  csrfToken: string;
  ip: string | null;
}

// Requests carry this Actor: merged into the HTTP layer's RequestActor, so that
// platform/http needs no import of this module.
declare module '../../platform/http/request' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds Actor's fields
  interface RequestActor extends Actor {}
}

/** Who did it, for audit rows written by jobs and start-up code. */
export interface AuditActor {
  userId: number | null;
  name: string;
  ip: string | null;
}

export const systemActor: AuditActor = { userId: null, name: '系统', ip: null };

export const auditActorOf = (a: Actor): AuditActor => ({
  userId: a.userId,
  name: `${a.displayName}(${a.username})`,
  ip: a.ip,
});
