import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * The one SQL form of the region data-scope rule (modules/access), for any
 * table with a region code column:
 * `.where(regionScopeFilter(actor.scopePath, 'users.region_code'))`.
 * Region paths are '410100/410171/…/', so "inside" is a prefix match.
 */
export function regionScopeFilter(scopePath: string, column: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (select code from regions where path like ${scopePath + '%'})`;
}

/** Escapes LIKE wildcards so user text matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
