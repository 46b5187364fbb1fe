import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import {
  compareDecimals,
  createProjectRequest,
  industryClusters,
  projectLevelLabels,
  projectStageLabels,
  type ImportRowError,
  type ProjectImport,
} from '@xiangmu/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import {
  applyStaged,
  getImportInScope,
  ImportStaging,
  listImportsOf,
  presentImport,
  receiveUpload,
  validateInBackground,
} from '../imports';
import { listRegions } from '../regions';
import { listDepartmentRecords } from '../users';
import {
  parseAmount,
  parseDate,
  readLedger,
  type Cell,
  type Field,
  type Header,
} from './import/ledger-reader';
import { nameInitials } from './project.service';

const fieldLabels: Record<string, string> = {
  name: '项目名称',
  ownerName: '建设单位',
  ownerCreditCode: '统一社会信用代码',
  region: '所属区域',
  regionCode: '所属区域',
  industryCluster: '产业集群',
  industryCode: '行业代码',
  level: '项目级别',
  stage: '项目阶段',
  totalInvestment: '总投资',
  annualPlan: '年度计划投资',
  planYear: '计划年度',
  plannedStart: '计划开工',
  plannedEnd: '计划竣工',
  leaderName: '包保领导',
  department: '责任单位',
  contactName: '联系人',
  contactPhone: '联系电话',
  content: '建设内容',
  tags: '标签',
};

export async function getImport(db: Db, actor: Actor, id: number): Promise<ProjectImport> {
  assertCan(actor, 'project.manage');
  return presentImport(await getImportInScope(db, actor, id, 'projects'));
}

export async function listImports(db: Db, actor: Actor): Promise<ProjectImport[]> {
  assertCan(actor, 'project.manage');
  return listImportsOf(db, actor, 'projects');
}

/**
 * Receives the file (refusing more than 20 MB while it streams in), records
 * the import and starts validating it in the background; the caller polls
 * the import for progress.
 */
export async function startImport(
  db: Db,
  actor: Actor,
  log: FastifyBaseLogger,
  upload: { filename: string; stream: Readable },
): Promise<ProjectImport> {
  assertCan(actor, 'project.manage');
  const { row, path } = await receiveUpload(db, actor, upload, {
    kind: 'projects',
    action: 'project.import_uploaded',
    entityType: 'project_import',
  });
  validateInBackground(db, row.id, path, log, () => runValidation(db, actor, row.id, path));
  return presentImport(row);
}

/** The work behind startImport; exported for tests that await it. */
export { pendingValidations } from '../imports';

interface Existing {
  id: number;
  version: number;
  data: Record<string, unknown>;
}

const comparable = [
  'owner_name',
  'owner_credit_code',
  'industry_cluster',
  'industry_code',
  'level',
  'content',
  'total_investment',
  'annual_plan',
  'plan_year',
  'planned_start',
  'planned_end',
  'leader_name',
  'department_id',
  'contact_name',
  'contact_phone',
  'tags',
] as const;

/** which file column feeds each project column, for partial updates */
const columnField: Record<(typeof comparable)[number], Field> = {
  owner_name: 'ownerName',
  owner_credit_code: 'ownerCreditCode',
  industry_cluster: 'industryCluster',
  industry_code: 'industryCode',
  level: 'level',
  content: 'content',
  total_investment: 'totalInvestment',
  annual_plan: 'annualPlan',
  plan_year: 'planYear',
  planned_start: 'plannedStart',
  planned_end: 'plannedEnd',
  leader_name: 'leaderName',
  department_id: 'department',
  contact_name: 'contactName',
  contact_phone: 'contactPhone',
  tags: 'tags',
};

const sameValue = (a: unknown, b: unknown) => {
  const norm = (v: unknown) =>
    v === undefined || v === '' ? null : typeof v === 'number' ? String(v) : v;
  if (/^\d+(\.\d+)?$/.test(String(a ?? '')) && /^\d+(\.\d+)?$/.test(String(b ?? '')))
    return compareDecimals(String(a), String(b)) === 0; // '300000.00' equals '300000'
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
};

async function runValidation(db: Db, actor: Actor, importId: number, path: string) {
  // Everything the rows are checked against, loaded once.
  const regions = await listRegions(db, actor, {});
  const byName = new Map<string, string>();
  for (const r of regions) {
    byName.set(r.code, r.code);
    if (!byName.has(r.name)) byName.set(r.name, r.code);
  }
  const regionPath = new Map(
    (
      await db
        .selectFrom('regions')
        .select(['code', 'path'])
        .where('path', 'like', `${actor.scopePath}%`)
        .execute()
    ).map((r) => [r.code, r.path]),
  );
  const departments = await listDepartmentRecords(db);
  const existing = new Map<string, Existing>();
  const rows = await db
    .selectFrom('projects')
    .selectAll()
    .where('region_code', 'in', [...regionPath.keys()])
    .execute();
  for (const p of rows)
    existing.set(`${p.region_code}|${p.name}`, { id: p.id, version: p.version, data: p as never });
  const levelByLabel = new Map(Object.entries(projectLevelLabels).map(([k, v]) => [v, k]));
  const stageByLabel = new Map(Object.entries(projectStageLabels).map(([k, v]) => [v, k]));
  const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

  let header: Header | null = null;
  const seen = new Set<string>();
  const staging = new ImportStaging(db, importId);
  const { counts } = staging;

  for await (const event of readLedger(path)) {
    if (event.kind === 'header') {
      header = event.header;
      const missing = (
        ['name', 'ownerName', 'ownerCreditCode', 'totalInvestment', 'annualPlan'] as Field[]
      ).filter((f) => !header!.columns.has(f));
      if (missing.length)
        throw new Error(`表头缺少必需的列：${missing.map((f) => fieldLabels[f]).join('、')}`);
      continue;
    }
    if (event.kind === 'total') continue;
    const { row } = event;
    counts.processed++;
    const h = header!;
    const cell = (f: Field): Cell => {
      const col = h.columns.get(f);
      return col === undefined ? null : (row.cells[col] ?? null);
    };
    const rowErrors: ImportRowError[] = [];
    const fail = (field: string | null, message: string) =>
      rowErrors.push({
        row: row.number,
        field: field ? (fieldLabels[field] ?? field) : null,
        message,
      });
    const text = (f: Field) => {
      const c = cell(f);
      if (c === null) return undefined;
      if (typeof c === 'symbol') {
        fail(f, '单元格含公式或错误值，请粘贴为数值');
        return undefined;
      }
      return c instanceof Date ? c.toISOString().slice(0, 10) : String(c).trim();
    };
    const amount = (f: 'totalInvestment' | 'annualPlan') => {
      const p = parseAmount(cell(f), h.units.get(f) ?? 'yi');
      if (!p.ok) fail(f, p.message);
      return p.ok ? (p.value ?? undefined) : undefined;
    };
    const date = (f: 'plannedStart' | 'plannedEnd') => {
      const p = parseDate(cell(f));
      if (!p.ok) fail(f, p.message);
      return p.ok ? p.value : undefined;
    };

    const regionText = text('region');
    const regionCode = regionText ? byName.get(regionText) : actor.activeRegionCode;
    if (regionText && !regionCode)
      fail('region', `"${regionText}"不在您的管辖范围内或不是有效的区划`);
    const levelText = text('level');
    const level = levelText ? (levelByLabel.get(levelText) ?? levelText) : 'district';
    const stageText = text('stage');
    const stage = stageText ? stageByLabel.get(stageText) : 'planned';
    if (stageText && !stage)
      fail(
        'stage',
        `"${stageText}"不是有效的项目阶段（${Object.values(projectStageLabels).join('、')}）`,
      );
    const clusterText = text('industryCluster') ?? '其他';
    const cluster = (industryClusters as readonly string[]).includes(clusterText)
      ? clusterText
      : undefined;
    if (!cluster) fail('industryCluster', `"${clusterText}"不是平台的产业集群分类`);
    const deptText = text('department');
    let departmentId: number | null = null;
    if (deptText) {
      const path = regionCode ? regionPath.get(regionCode) : undefined;
      const d = departments.find((x) => x.name === deptText && path?.startsWith(x.region_path));
      if (!d) fail('department', `找不到责任单位"${deptText}"`);
      else departmentId = d.id;
    }
    const planYearText = text('planYear');
    const candidate = {
      name: text('name'),
      ownerName: text('ownerName'),
      ownerCreditCode: text('ownerCreditCode'),
      regionCode: regionCode ?? actor.activeRegionCode,
      industryCluster: cluster ?? '其他',
      industryCode: text('industryCode') ?? null,
      level,
      content: text('content'),
      totalInvestment: amount('totalInvestment'),
      annualPlan: amount('annualPlan') ?? '0',
      planYear: planYearText ? Number(planYearText.replace(/年$/, '')) : year,
      plannedStart: date('plannedStart'),
      plannedEnd: date('plannedEnd'),
      leaderName: text('leaderName') ?? null,
      contactName: text('contactName') ?? null,
      contactPhone: text('contactPhone') ?? null,
      tags: text('tags')
        ?.split(/[、,，;；\s]+/)
        .filter(Boolean),
      stage,
    };
    const parsed = createProjectRequest.safeParse(candidate);
    if (!parsed.success && rowErrors.length === 0)
      for (const issue of parsed.error.issues) fail(String(issue.path[0] ?? ''), issue.message);
    if (parsed.success && rowErrors.length === 0) {
      const p = parsed.data;
      if (p.plannedStart && p.plannedEnd && p.plannedEnd < p.plannedStart)
        fail('plannedEnd', '计划竣工日期早于计划开工日期');
      if (compareDecimals(p.annualPlan, p.totalInvestment) > 0)
        fail('annualPlan', '年度计划投资超过总投资');
      const key = `${p.regionCode}|${p.name}`;
      if (seen.has(key)) fail('name', '与本文件中前面的行重名（同一区域内项目名称须唯一）');
      seen.add(key);
      if (rowErrors.length === 0) {
        const data = {
          name: p.name,
          name_initials: nameInitials(p.name),
          owner_name: p.ownerName,
          owner_credit_code: p.ownerCreditCode,
          region_code: p.regionCode,
          industry_cluster: p.industryCluster,
          industry_code: p.industryCode ?? null,
          level: p.level,
          content: p.content ?? '',
          total_investment: p.totalInvestment,
          annual_plan: p.annualPlan,
          plan_year: p.planYear,
          stage: p.stage ?? 'planned',
          planned_start: p.plannedStart ?? null,
          planned_end: p.plannedEnd ?? null,
          leader_name: p.leaderName ?? null,
          department_id: departmentId,
          contact_name: p.contactName ?? null,
          contact_phone: p.contactPhone ?? null,
          tags: p.tags ?? [],
        };
        const old = existing.get(key);
        let action: 'create' | 'update' | 'unchanged' = 'create';
        if (old) {
          // a column the file does not have leaves the project's value alone
          for (const [column, field] of Object.entries(columnField))
            if (!h.columns.has(field)) (data as Record<string, unknown>)[column] = old.data[column];
          if (stageText && old.data.stage !== data.stage)
            fail('stage', '已有项目的阶段须在项目页面变更并填写依据，导入不改变阶段');
          action = comparable.every((k) => sameValue(old.data[k], data[k]))
            ? 'unchanged'
            : 'update';
        }
        if (rowErrors.length === 0)
          staging.accept({
            row_number: row.number,
            action,
            project_id: old?.id ?? null,
            project_version: old?.version ?? null,
            data: JSON.stringify(data),
          });
      }
    }
    if (rowErrors.length) staging.reject(rowErrors);
    await staging.rowDone();
  }
  await staging.flush(true);
}

/** Applies every valid row in one transaction, or none. */
export async function applyImport(db: Db, actor: Actor, id: number): Promise<ProjectImport> {
  assertCan(actor, 'project.manage');
  const applied = await applyInTransaction(db, actor, id);
  // PGlite has no autovacuum: fresh statistics keep the list and export on their indexes
  await sql`analyze projects`.execute(db);
  return applied;
}

function applyInTransaction(db: Db, actor: Actor, id: number): Promise<ProjectImport> {
  const who = auditActorOf(actor);
  const audit = { action: 'project.imported', entityType: 'project_import' };
  return applyStaged(db, actor, id, 'projects', audit, async (trx, imp) => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const columns = sql.raw(
      'name, name_initials, owner_name, owner_credit_code, region_code, industry_cluster, industry_code, level, content, total_investment, annual_plan, plan_year, stage, planned_start, planned_end, leader_name, department_id, contact_name, contact_phone, tags',
    );
    const prefixed = sql.raw(
      'x.name, x.name_initials, x.owner_name, x.owner_credit_code, x.region_code, x.industry_cluster, x.industry_code, x.level, x.content, x.total_investment, x.annual_plan, x.plan_year, x.stage, x.planned_start, x.planned_end, x.leader_name, x.department_id, x.contact_name, x.contact_phone, x.tags',
    );
    const created = await sql<{ n: number }>`
      with created as (
        insert into projects (${columns}, stage_changed_on)
        select ${prefixed}, ${today}::date
        from project_import_rows r, jsonb_populate_record(null::projects, r.data) x
        where r.import_id = ${id} and r.action = 'create'
        returning id, region_code, stage
      ), events as (
        insert into project_stage_events (project_id, region_code, from_stage, to_stage, occurred_on, evidence, actor_id, actor_name)
        select id, region_code, null, stage, ${today}::date, ${`批量导入（${imp.filename}）`}, ${who.userId}, ${who.name} from created
        returning 1
      )
      select count(*)::int as n from created`.execute(trx);
    const updated = await sql`
      update projects p set
        owner_name = x.owner_name, owner_credit_code = x.owner_credit_code, industry_cluster = x.industry_cluster,
        industry_code = x.industry_code, level = x.level, content = x.content,
        total_investment = x.total_investment, annual_plan = x.annual_plan, plan_year = x.plan_year,
        planned_start = x.planned_start, planned_end = x.planned_end, leader_name = x.leader_name,
        department_id = x.department_id, contact_name = x.contact_name, contact_phone = x.contact_phone,
        tags = x.tags, version = p.version + 1, updated_at = now()
      from project_import_rows r, jsonb_populate_record(null::projects, r.data) x
      where r.import_id = ${id} and r.action = 'update' and p.id = r.project_id and p.version = r.project_version`.execute(
      trx,
    );
    if (Number(updated.numAffectedRows ?? 0) !== imp.update_rows)
      throw new DomainError('IMPORT_CHANGED_MEANWHILE');
    return {
      created: created.rows[0]?.n ?? 0,
      updated: imp.update_rows,
      unchanged: imp.unchanged_rows,
    };
  });
}
