import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from './actor';

/**
 * The data-scope rule: a user sees and changes only records of his active
 * region and the regions below it. Paths are '410100/410171/…/', so "inside"
 * is a prefix test here and a LIKE-prefix filter in SQL (regionScopeFilter).
 */
export function pathInScope(scopePath: string, targetPath: string): boolean {
  return targetPath.startsWith(scopePath);
}

export function assertPathInScope(
  actor: Pick<Actor, 'scopePath'>,
  targetPath: string | undefined,
): void {
  if (targetPath === undefined) throw new DomainError('REGION_NOT_FOUND');
  if (!pathInScope(actor.scopePath, targetPath)) throw new DomainError('REGION_OUT_OF_SCOPE');
}
