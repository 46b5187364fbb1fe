import type { RegionLevel, Role } from '@xiangmu/contracts';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from '../access';

/** Roles an admin may grant: never one above his own. */
export function assertRoleAssignable(actor: Pick<Actor, 'role'>, role: Role): void {
  if (role === 'city_admin' && actor.role !== 'city_admin')
    throw new DomainError('ROLE_NOT_ASSIGNABLE');
}

/** Administrators sit at the level they administer. */
export function assertRoleFitsRegion(role: Role, level: RegionLevel): void {
  if (role === 'city_admin' && level !== 'city') throw new DomainError('ROLE_REGION_MISMATCH');
  if (role === 'district_admin' && level !== 'district')
    throw new DomainError('ROLE_REGION_MISMATCH');
}
