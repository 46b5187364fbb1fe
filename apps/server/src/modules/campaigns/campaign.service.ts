import {
  batchKindLabels,
  batchKinds,
  batchStages,
  projectStageLabels,
  sumDecimals,
  type BatchKind,
  type Campaign,
  type CampaignEntry,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { getProject } from '../projects';
import { getRegionInScope, listRegions } from '../regions';
import * as repo from './campaign.repository';

type CampaignRow = NonNullable<Awaited<ReturnType<typeof repo.findCampaign>>>;

const present = (c: CampaignRow): Campaign => ({
  id: c.id,
  number: c.number,
  name: c.name,
  startsOn: c.starts_on,
  endsOn: c.ends_on,
  status: c.status,
  createdAt: c.created_at.toISOString(),
  version: c.version,
});

const districtOf = (path: string) => path.split('/')[1] ?? path.split('/')[0]!;

async function getCampaignRow(db: Db, id: number) {
  const c = await repo.findCampaign(db, id);
  if (!c) throw new DomainError('CAMPAIGN_NOT_FOUND');
  return c;
}

export async function listCampaigns(db: Db, actor: Actor): Promise<Campaign[]> {
  assertCan(actor, 'campaign.read');
  return (await repo.listCampaigns(db)).map(present);
}

export async function createCampaign(
  db: Db,
  actor: Actor,
  input: { number: number; startsOn: string; endsOn: string },
): Promise<Campaign> {
  assertCan(actor, 'campaign.manage');
  if (input.endsOn < input.startsOn)
    throw new DomainError('CAMPAIGN_DATES_OUT_OF_ORDER', {
      issues: [{ path: 'endsOn', message: '结束日期不能早于开始日期' }],
    });
  return db.transaction().execute(async (trx) => {
    if (await repo.campaignNumberTaken(trx, input.number))
      throw new DomainError('CAMPAIGN_NUMBER_TAKEN');
    const row = await repo.insertCampaign(trx, {
      number: input.number,
      name: `第${input.number}期"三个一批"`,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
    });
    const created = present(row);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'campaign.created',
      entityType: 'campaign',
      entityId: row.id,
      regionCode: actor.regionCode,
      after: created,
    });
    return created;
  });
}

/** The period with, per district in scope, each batch's count, sums and tracking rate. */
export async function getCampaignDetail(db: Db, actor: Actor, id: number) {
  assertCan(actor, 'campaign.read');
  const c = await getCampaignRow(db, id);
  const figures = await repo.batchFigures(db, id, actor.scopePath);
  const locks = await repo.listLocks(db, id);
  const districts = (await listRegions(db, actor, { maxLevel: 'district' })).filter(
    (r) => r.level === 'district',
  );
  const active = await getRegionInScope(db, actor, actor.activeRegionCode);
  const summarize = (rows: typeof figures, locked: (k: BatchKind) => boolean) =>
    batchKinds.map((kind) => {
      const of = rows.filter((f) => f.kind === kind);
      const count = of.reduce((a, f) => a + f.count, 0);
      const achieved = of.reduce((a, f) => a + f.achieved, 0);
      return {
        kind,
        locked: locked(kind),
        count,
        totalInvestment: sumDecimals(of.map((f) => f.total_investment)),
        annualPlan: sumDecimals(of.map((f) => f.annual_plan)),
        achieved,
        rate: count ? achieved / count : null,
      };
    });
  const regions = [
    {
      regionCode: active.code,
      regionName: `${active.name}（合计）`,
      batches: summarize(
        figures,
        (k) =>
          districts.length > 0 &&
          districts.every((d) => locks.some((l) => l.region_code === d.code && l.kind === k)),
      ),
    },
    ...districts.map((d) => ({
      regionCode: d.code,
      regionName: d.name,
      batches: summarize(
        figures.filter((f) => f.district === d.code),
        (k) => locks.some((l) => l.region_code === d.code && l.kind === k),
      ),
    })),
  ];
  return { campaign: present(c), regions };
}

export async function listCampaignEntries(
  db: Db,
  actor: Actor,
  id: number,
  q: { regionCode?: string | undefined; kind?: BatchKind | undefined },
): Promise<CampaignEntry[]> {
  assertCan(actor, 'campaign.read');
  await getCampaignRow(db, id);
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const [rows, locks] = await Promise.all([
    repo.listEntries(db, id, actor.scopePath, { regionPath: region?.path, kind: q.kind }),
    repo.listLocks(db, id),
  ]);
  return rows.map((r) => ({
    projectId: r.project_id,
    projectName: r.name,
    regionCode: r.region_code,
    regionName: r.region_name,
    kind: r.kind,
    stage: r.stage,
    stageChangedOn: r.stage_changed_on,
    totalInvestment: r.total_investment,
    annualPlan: r.annual_plan,
    achieved: !!r.achieved,
    locked: locks.some((l) => l.region_code === districtOf(r.region_path) && l.kind === r.kind),
  }));
}

async function openBatchFor(
  db: Db,
  actor: Actor,
  campaignId: number,
  projectId: number,
  kind: BatchKind,
) {
  const c = await getCampaignRow(db, campaignId);
  if (c.status !== 'open') throw new DomainError('CAMPAIGN_CLOSED');
  const project = await getProject(db, actor, projectId);
  const region = await getRegionInScope(db, actor, project.regionCode);
  const district = districtOf(region.path);
  if (await repo.isLocked(db, campaignId, district, kind)) throw new DomainError('BATCH_LOCKED');
  return { project, district };
}

export async function addEntry(
  db: Db,
  actor: Actor,
  id: number,
  input: { projectId: number; kind: BatchKind },
) {
  assertCan(actor, 'campaign.present');
  return db.transaction().execute(async (trx) => {
    const { project } = await openBatchFor(trx, actor, id, input.projectId, input.kind);
    if (await repo.findEntry(trx, id, input.projectId)) throw new DomainError('ENTRY_EXISTS');
    if (!batchStages[input.kind].includes(project.stage))
      throw new DomainError('BATCH_STAGE_MISMATCH', {
        message: `项目处于"${projectStageLabels[project.stage]}"阶段，${batchKindLabels[input.kind]}只收${batchStages[input.kind].map((x) => projectStageLabels[x]).join('、')}阶段的项目`,
      });
    await repo.insertEntry(trx, {
      campaign_id: id,
      project_id: input.projectId,
      region_code: project.regionCode,
      kind: input.kind,
    });
    await recordAudit(trx, auditActorOf(actor), {
      action: 'campaign.entry_added',
      entityType: 'campaign',
      entityId: id,
      regionCode: project.regionCode,
      after: { projectId: project.id, projectName: project.name, kind: input.kind },
    });
    return { ok: true as const };
  });
}

export async function removeEntry(db: Db, actor: Actor, id: number, projectId: number) {
  assertCan(actor, 'campaign.present');
  return db.transaction().execute(async (trx) => {
    const entry = await repo.findEntry(trx, id, projectId);
    if (!entry) throw new DomainError('ENTRY_NOT_FOUND');
    const { project } = await openBatchFor(trx, actor, id, projectId, entry.kind);
    await repo.deleteEntry(trx, id, projectId);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'campaign.entry_removed',
      entityType: 'campaign',
      entityId: id,
      regionCode: project.regionCode,
      before: { projectId, projectName: project.name, kind: entry.kind },
    });
    return { ok: true as const };
  });
}

/** The city locks a district's batch after review; it can no longer change. */
export async function lockBatch(
  db: Db,
  actor: Actor,
  id: number,
  input: { regionCode: string; kind: BatchKind },
) {
  assertCan(actor, 'campaign.manage');
  return db.transaction().execute(async (trx) => {
    await getCampaignRow(trx, id);
    const region = await getRegionInScope(trx, actor, input.regionCode);
    if (region.level !== 'district')
      throw new DomainError('VALIDATION_FAILED', { message: '只能按区县锁定批次' });
    const who = auditActorOf(actor);
    await repo.insertLock(trx, {
      campaign_id: id,
      region_code: region.code,
      kind: input.kind,
      locked_by: who.name,
    });
    await recordAudit(trx, who, {
      action: 'campaign.batch_locked',
      entityType: 'campaign',
      entityId: id,
      regionCode: region.code,
      after: { regionCode: region.code, kind: input.kind },
    });
    return { ok: true as const };
  });
}
