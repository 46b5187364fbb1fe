import { sql } from 'kysely';
import type { BatchKind } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { regionScopeFilter } from '../../platform/database/filters';

export const findCampaign = (db: Db, id: number) =>
  db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();

export const listCampaigns = (db: Db) =>
  db.selectFrom('campaigns').selectAll().orderBy('number', 'desc').execute();

export const campaignNumberTaken = async (db: Db, number: number) =>
  !!(await db.selectFrom('campaigns').select('id').where('number', '=', number).executeTakeFirst());

export const insertCampaign = (
  db: Db,
  c: { number: number; name: string; starts_on: string; ends_on: string },
) => db.insertInto('campaigns').values(c).returningAll().executeTakeFirstOrThrow();

/**
 * Whether a project reached its batch's goal: signed and started projects
 * count once under construction or beyond; production ones once in
 * production no later than the period's end.
 */
const achievedSql = sql<boolean>`case
  when e.kind in ('sign', 'start') then p.stage in ('building', 'completed', 'operating')
  else p.stage = 'operating' and (p.stage_changed_on is null or p.stage_changed_on <= c.ends_on)
end`;

/** Per district (second segment of the region path) and batch: counts, sums, achieved. */
export async function batchFigures(db: Db, campaignId: number, scopePath: string) {
  const { rows } = await sql<{
    district: string;
    kind: BatchKind;
    count: number;
    total_investment: string;
    annual_plan: string;
    achieved: number;
  }>`
    select split_part(r.path, '/', 2) as district, e.kind,
           count(*)::int as count,
           coalesce(sum(p.total_investment), 0)::text as total_investment,
           coalesce(sum(p.annual_plan), 0)::text as annual_plan,
           count(*) filter (where ${achievedSql})::int as achieved
    from campaign_entries e
    join campaigns c on c.id = e.campaign_id
    join projects p on p.id = e.project_id
    join regions r on r.code = p.region_code
    where e.campaign_id = ${campaignId} and r.path like ${scopePath + '%'}
    group by 1, 2`.execute(db);
  return rows;
}

export function listEntries(
  db: Db,
  campaignId: number,
  scopePath: string,
  f: { regionPath?: string | undefined; kind?: BatchKind | undefined },
) {
  let q = db
    .selectFrom('campaign_entries as e')
    .innerJoin('campaigns as c', 'c.id', 'e.campaign_id')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .innerJoin('regions as r', 'r.code', 'p.region_code')
    .select([
      'e.project_id',
      'e.kind',
      'p.name',
      'p.region_code',
      'r.name as region_name',
      'r.path as region_path',
      'p.stage',
      'p.stage_changed_on',
      'p.total_investment',
      'p.annual_plan',
    ])
    .select(achievedSql.as('achieved'))
    .where('e.campaign_id', '=', campaignId)
    .where(regionScopeFilter(scopePath, 'p.region_code'));
  if (f.regionPath) q = q.where(regionScopeFilter(f.regionPath, 'p.region_code'));
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  return q.orderBy('e.kind').orderBy('p.total_investment', 'desc').execute();
}

export const findEntry = (db: Db, campaignId: number, projectId: number) =>
  db
    .selectFrom('campaign_entries')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();

export const insertEntry = (
  db: Db,
  e: { campaign_id: number; project_id: number; region_code: string; kind: BatchKind },
) => db.insertInto('campaign_entries').values(e).execute();

export const deleteEntry = (db: Db, campaignId: number, projectId: number) =>
  db
    .deleteFrom('campaign_entries')
    .where('campaign_id', '=', campaignId)
    .where('project_id', '=', projectId)
    .execute();

export const listLocks = (db: Db, campaignId: number) =>
  db.selectFrom('campaign_batch_locks').selectAll().where('campaign_id', '=', campaignId).execute();

export const isLocked = async (db: Db, campaignId: number, district: string, kind: BatchKind) =>
  !!(await db
    .selectFrom('campaign_batch_locks')
    .select('kind')
    .where('campaign_id', '=', campaignId)
    .where('region_code', '=', district)
    .where('kind', '=', kind)
    .executeTakeFirst());

export const insertLock = (
  db: Db,
  l: { campaign_id: number; region_code: string; kind: BatchKind; locked_by: string },
) =>
  db
    .insertInto('campaign_batch_locks')
    .values(l)
    .onConflict((oc) => oc.columns(['campaign_id', 'region_code', 'kind']).doNothing())
    .execute();
