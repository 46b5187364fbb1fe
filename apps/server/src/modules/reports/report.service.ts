import {
  compareDecimals,
  isLateSubmission,
  monthEnd,
  monthOf,
  percentOf,
  projectStageLabels,
  REPORT_REQUIRED_STAGE,
  reportableStages,
  reportDeadline,
  sumDecimals,
  type MonthClosure,
  type MonthlyReport,
  type ProjectStage,
  type ReportListQuery,
  type ReportStatus,
  type SubmitReportRequest,
  type UpdateReportRequest,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { assertAttachmentsOfProject, attachmentsByIds } from '../attachments';
import { recordAudit } from '../audit';
import { findRegion, getRegionInScope, listRegions } from '../regions';
import { assertMaySubmitFor, enterpriseFilter } from './report.enterprise';
import * as repo from './report.repository';

/**
 * 月度调度: reports, the month's list with 迟报/未报, closing a month per
 * district, annual completion. docs/adr/0009-monthly-reports-and-attachments.md
 */

/** 'YYYY-MM' of now, Beijing time. */
export const currentMonth = () => monthOf(new Date());

/** The month whose reports are being collected now: last month. */
export function defaultMonth(): string {
  const [y, m] = currentMonth().split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The deadline of `month` has passed (Beijing time). */
export const pastDeadline = (month: string, now = new Date()) => isLateSubmission(month, now);

async function presentReports(db: Db, rows: repo.ReportRow[]): Promise<MonthlyReport[]> {
  const links = await repo.photoIdsOf(
    db,
    rows.map((r) => r.id),
  );
  const photos = await attachmentsByIds(
    db,
    links.map((l) => l.attachment_id),
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    regionCode: r.project_region_code,
    regionName: r.region_name,
    month: r.month,
    invested: r.invested,
    progress: r.progress,
    problems: r.problems,
    photos: links
      .filter((l) => l.report_id === r.id)
      .map((l) => photos.find((p) => p.id === l.attachment_id))
      .filter((p) => p !== undefined),
    late: r.late,
    deadline: reportDeadline(r.month),
    closed: !!r.closed,
    source: r.source,
    reporterName: r.reporter_name,
    submittedAt: r.submitted_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  }));
}

const presentReport = async (db: Db, r: repo.ReportRow) => (await presentReports(db, [r]))[0]!;

async function projectInScope(db: Db, actor: Actor, id: number) {
  const p = await repo.findProject(db, id);
  if (!p) throw new DomainError('PROJECT_NOT_FOUND');
  assertPathInScope(actor, p.region_path);
  return p;
}

async function reportInScope(db: Db, actor: Actor, id: number) {
  const r = await repo.findReport(db, id);
  if (!r) throw new DomainError('REPORT_NOT_FOUND');
  assertPathInScope(actor, r.region_path);
  return r;
}

function checkInvested(invested: string, p: repo.ProjectOfReport) {
  if (compareDecimals(invested, p.total_investment) > 0)
    throw new DomainError('VALIDATION_FAILED', {
      message: '本月完成投资超过项目总投资',
      issues: [{ path: 'invested', message: '本月完成投资超过项目总投资（单位：万元）' }],
    });
}

/** Why a project may not report for a month, or null (shared with the import). */
export function reportRefusal(
  p: { stage: ProjectStage },
  month: string,
  closed: boolean,
): {
  code: 'REPORT_MONTH_IN_FUTURE' | 'REPORT_STAGE_NOT_REPORTING' | 'REPORT_MONTH_CLOSED';
  message: string;
} | null {
  if (month > currentMonth())
    return { code: 'REPORT_MONTH_IN_FUTURE', message: `${month}尚未到来，不能填报` };
  if (!(reportableStages as readonly ProjectStage[]).includes(p.stage))
    return {
      code: 'REPORT_STAGE_NOT_REPORTING',
      message: `项目处于"${projectStageLabels[p.stage]}"阶段，月度调度只收${reportableStages.map((s) => projectStageLabels[s]).join('、')}阶段的项目`,
    };
  if (closed)
    return {
      code: 'REPORT_MONTH_CLOSED',
      message: `${month}的调度已关闭，不能再填报或修改；确需调整请联系市级管理员重新开放`,
    };
  return null;
}

export async function submitReport(
  db: Db,
  actor: Actor,
  projectId: number,
  input: SubmitReportRequest,
): Promise<MonthlyReport> {
  assertCan(actor, 'report.submit');
  return db.transaction().execute(async (trx) => {
    const p = await projectInScope(trx, actor, projectId);
    await assertMaySubmitFor(trx, actor, p);
    await repo.lockMonths(trx, [input.month]);
    const closed = await repo.isClosed(trx, repo.unitOf(p.region_path), input.month);
    const refusal = reportRefusal(p, input.month, closed);
    if (refusal)
      throw new DomainError(refusal.code, {
        message: refusal.message,
        issues: [{ path: 'month', message: refusal.message }],
      });
    checkInvested(input.invested, p);
    const photoIds = input.photoIds ?? [];
    await assertAttachmentsOfProject(trx, photoIds, p.id, 'photoIds');
    const who = auditActorOf(actor);
    const now = new Date();
    const inserted = await trx
      .insertInto('monthly_reports')
      .values({
        project_id: p.id,
        region_code: p.region_code,
        month: input.month,
        invested: input.invested,
        progress: input.progress,
        problems: input.problems ?? '',
        late: isLateSubmission(input.month, now),
        source: 'form',
        reporter_id: actor.userId,
        reporter_name: who.name,
        submitted_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['project_id', 'month']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new DomainError('REPORT_EXISTS');
    await repo.replacePhotos(trx, inserted.id, photoIds);
    const created = await presentReport(trx, (await repo.findReport(trx, inserted.id))!);
    await recordAudit(trx, who, {
      action: 'report.submitted',
      entityType: 'monthly_report',
      entityId: inserted.id,
      regionCode: p.region_code,
      after: created,
    });
    return created;
  });
}

export async function updateReport(
  db: Db,
  actor: Actor,
  id: number,
  input: UpdateReportRequest,
): Promise<MonthlyReport> {
  assertCan(actor, 'report.submit');
  return db.transaction().execute(async (trx) => {
    await repo.lockMonths(trx, [(await reportInScope(trx, actor, id)).month]);
    const row = await reportInScope(trx, actor, id);
    const p = (await repo.findProject(trx, row.project_id))!;
    await assertMaySubmitFor(trx, actor, p);
    const before = await presentReport(trx, row);
    if (row.closed)
      throw new DomainError('REPORT_MONTH_CLOSED', {
        message: reportRefusal(p, row.month, true)?.message,
      });
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.invested !== undefined) checkInvested(input.invested, p);
    if (input.photoIds) await assertAttachmentsOfProject(trx, input.photoIds, p.id, 'photoIds');
    const res = await trx
      .updateTable('monthly_reports')
      .set((eb) => ({
        ...(input.invested !== undefined ? { invested: input.invested } : {}),
        ...(input.progress !== undefined ? { progress: input.progress } : {}),
        ...(input.problems !== undefined ? { problems: input.problems } : {}),
        reporter_id: actor.userId,
        reporter_name: auditActorOf(actor).name,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.photoIds) await repo.replacePhotos(trx, id, input.photoIds);
    const after = await presentReport(trx, (await repo.findReport(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'report.updated',
      entityType: 'monthly_report',
      entityId: id,
      regionCode: p.region_code,
      before,
      after,
    });
    return after;
  });
}

export async function getReport(db: Db, actor: Actor, id: number): Promise<MonthlyReport> {
  assertCan(actor, 'report.read');
  const row = await reportInScope(db, actor, id);
  await enterpriseFilter(db, actor).assertProject(row);
  return presentReport(db, row);
}

const emptyCounts = () => ({ total: 0, onTime: 0, late: 0, missing: 0, due: 0 });
const countKey: Record<ReportStatus, 'onTime' | 'late' | 'missing' | 'due'> = {
  on_time: 'onTime',
  late: 'late',
  missing: 'missing',
  due: 'due',
};

function tally(rows: Array<{ status: ReportStatus; n: number }>) {
  const c = emptyCounts();
  for (const r of rows) {
    c.total += r.n;
    c[countKey[r.status]] += r.n;
  }
  return c;
}

const completionOf = (invested: string, plan: string, planYear: number, year: number) =>
  planYear === year ? percentOf(invested, plan) : null;

/** The month's list: every project owing a report or having reported, with 迟报/未报. */
export async function listReports(db: Db, actor: Actor, q: ReportListQuery) {
  assertCan(actor, 'report.read');
  const month = q.month ?? defaultMonth();
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const ent = enterpriseFilter(db, actor);
  const filter: repo.MonthFilter = {
    scopePath: actor.scopePath,
    regionPath: region?.path,
    q: q.q,
    month,
    monthEnd: monthEnd(month),
    pastDeadline: pastDeadline(month),
    ownerCreditCode: await ent.creditCode(),
  };
  const { counts, rows } = await repo.monthList(db, filter, {
    status: q.status,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const all = tally(counts);
  const year = Number(month.slice(0, 4));
  return {
    month,
    deadline: reportDeadline(month),
    items: rows.map((r) => ({
      projectId: r.id,
      projectName: r.name,
      regionCode: r.region_code,
      regionName: r.region_name,
      stage: r.stage as ProjectStage,
      status: r.status,
      closed: !!r.closed,
      report:
        r.report_id === null
          ? null
          : {
              id: r.report_id,
              invested: r.invested!,
              progress: r.progress!,
              late: !!r.late,
              photoCount: r.photo_count,
              reporterName: r.reporter_name!,
              submittedAt: r.submitted_at!.toISOString(),
              version: r.report_version!,
            },
      annualPlan: r.annual_plan,
      planYear: r.plan_year,
      yearInvested: r.year_invested,
      completion: completionOf(r.year_invested, r.annual_plan, r.plan_year, year),
    })),
    total: q.status ? all[countKey[q.status]] : all.total,
    page: q.page,
    pageSize: q.pageSize,
    counts: all,
    investedSum: sumDecimals(counts.map((c) => c.invested)),
  };
}

/** A project's year: each month so far with its report and status, and the year's completion. */
export async function projectReports(db: Db, actor: Actor, projectId: number, year?: number) {
  assertCan(actor, 'report.read');
  const p = await projectInScope(db, actor, projectId);
  await enterpriseFilter(db, actor).assertProject(p);
  const now = currentMonth();
  const y = year ?? Number(now.slice(0, 4));
  const last =
    y < Number(now.slice(0, 4)) ? 12 : y === Number(now.slice(0, 4)) ? Number(now.slice(5, 7)) : 0;
  const months = Array.from({ length: last }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
  const unit = repo.unitOf(p.region_path);
  const [rows, events, closures] = await Promise.all([
    repo.listProjectReports(db, projectId, y),
    repo.stageEventsOf(db, projectId),
    repo.closuresOf(db, [unit], { from: `${y}-01`, to: `${y}-12` }),
  ]);
  const reports = await presentReports(db, rows);
  const stageAt = (day: string) =>
    events.filter((e) => e.occurred_on <= day).at(-1)?.to_stage ?? null;
  const yearInvested = sumDecimals(reports.map((r) => r.invested));
  return {
    projectId,
    year: y,
    annualPlan: p.annual_plan,
    planYear: p.plan_year,
    yearInvested,
    completion: completionOf(yearInvested, p.annual_plan, p.plan_year, y),
    months: months.map((month) => {
      const report = reports.find((r) => r.month === month) ?? null;
      const closed = closures.some((c) => c.month === month);
      let status: ReportStatus | null = null;
      if (report) status = report.late ? 'late' : 'on_time';
      else if (stageAt(monthEnd(month)) === REPORT_REQUIRED_STAGE)
        status = closed || pastDeadline(month) ? 'missing' : 'due';
      return { month, status, closed, report };
    }),
  };
}

// ------------------------------------------------------------ closing a month

/** The closing units in the actor's view: his district, or the city and every district. */
async function unitsInView(db: Db, actor: Actor) {
  const active = await getRegionInScope(db, actor, actor.activeRegionCode);
  if (active.level === 'city') {
    const districts = (await listRegions(db, actor, { maxLevel: 'district' })).filter(
      (r) => r.level === 'district',
    );
    return [
      { code: active.code, name: `${active.name}本级` },
      ...districts.map((d) => ({ code: d.code, name: d.name })),
    ];
  }
  const unit = await findRegion(db, repo.unitOf(active.path));
  return unit ? [{ code: unit.code, name: unit.name }] : [];
}

export async function listClosures(
  db: Db,
  actor: Actor,
  month = defaultMonth(),
): Promise<MonthClosure[]> {
  assertCan(actor, 'report.overview');
  const units = await unitsInView(db, actor);
  const [closures, counts] = await Promise.all([
    repo.closuresOf(
      db,
      units.map((u) => u.code),
      { from: month, to: month },
    ),
    repo.monthCounts(db, {
      scopePath: actor.scopePath,
      month,
      monthEnd: monthEnd(month),
      pastDeadline: pastDeadline(month),
    }),
  ]);
  return units.map((u) => {
    const c = closures.find((x) => x.region_code === u.code);
    return {
      regionCode: u.code,
      regionName: u.name,
      month,
      closed: !!c,
      closedBy: c?.closed_by ?? null,
      closedAt: c?.closed_at.toISOString() ?? null,
      counts: tally(counts.filter((x) => x.unit === u.code)),
    };
  });
}

/** A district, or the city: its own unit and every district in it. */
async function closingUnits(db: Db, actor: Actor, regionCode: string) {
  const region = await getRegionInScope(db, actor, regionCode);
  if (region.level === 'district') return { region, units: [region.code] };
  if (region.level === 'city') {
    const districts = await db
      .selectFrom('regions')
      .select('code')
      .where('parent_code', '=', region.code)
      .where('level', '=', 'district')
      .execute();
    return { region, units: [region.code, ...districts.map((d) => d.code)] };
  }
  throw new DomainError('CLOSURE_REGION_INVALID', {
    issues: [{ path: 'regionCode', message: '只能按区县（或全市）关闭或开放月份' }],
  });
}

export async function closeMonth(
  db: Db,
  actor: Actor,
  input: { regionCode: string; month: string },
) {
  assertCan(actor, 'report.close_month');
  if (input.month >= currentMonth())
    throw new DomainError('MONTH_NOT_OVER', {
      issues: [{ path: 'month', message: `${input.month}尚未结束，不能关闭` }],
    });
  return db.transaction().execute(async (trx) => {
    await repo.lockMonths(trx, [input.month]);
    const { region, units } = await closingUnits(trx, actor, input.regionCode);
    const already = await repo.closuresOf(trx, units, { from: input.month, to: input.month });
    const closing = units.filter((u) => !already.some((c) => c.region_code === u));
    if (closing.length === 0) throw new DomainError('MONTH_ALREADY_CLOSED');
    const who = auditActorOf(actor);
    await trx
      .insertInto('report_month_closures')
      .values(closing.map((u) => ({ region_code: u, month: input.month, closed_by: who.name })))
      // closed by someone else at the same moment: already closed is closed
      .onConflict((oc) => oc.columns(['region_code', 'month']).doNothing())
      .execute();
    await recordAudit(trx, who, {
      action: 'report.month_closed',
      entityType: 'report_month',
      entityId: input.month,
      regionCode: region.code,
      after: { month: input.month, regions: closing },
    });
    return { month: input.month, regions: closing };
  });
}

export async function reopenMonth(
  db: Db,
  actor: Actor,
  input: { regionCode: string; month: string; reason: string },
) {
  assertCan(actor, 'report.reopen_month');
  return db.transaction().execute(async (trx) => {
    const { region, units } = await closingUnits(trx, actor, input.regionCode);
    const closed = await repo.closuresOf(trx, units, { from: input.month, to: input.month });
    if (closed.length === 0) throw new DomainError('MONTH_NOT_CLOSED');
    await trx
      .deleteFrom('report_month_closures')
      .where('month', '=', input.month)
      .where(
        'region_code',
        'in',
        closed.map((c) => c.region_code),
      )
      .execute();
    const reopened = closed.map((c) => c.region_code);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'report.month_reopened',
      entityType: 'report_month',
      entityId: input.month,
      regionCode: region.code,
      before: closed.map((c) => ({
        regionCode: c.region_code,
        closedBy: c.closed_by,
        closedAt: c.closed_at.toISOString(),
      })),
      after: { month: input.month, regions: reopened, reason: input.reason },
    });
    return { month: input.month, regions: reopened };
  });
}

// ------------------------------------------------------------ annual completion

/** 年度完成率 by district: reported investment this year ÷ the year's planned investment. */
export async function annualCompletion(
  db: Db,
  actor: Actor,
  q: { year?: number | undefined; regionCode?: string | undefined },
) {
  assertCan(actor, 'report.overview');
  const year = q.year ?? Number(currentMonth().slice(0, 4));
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const view = region ?? (await getRegionInScope(db, actor, actor.activeRegionCode));
  const { plans, invested } = await repo.yearFigures(db, {
    scopePath: actor.scopePath,
    regionPath: region?.path,
    year,
  });
  const row = (code: string, name: string, match: (unit: string) => boolean) => {
    const p = plans.filter((x) => match(x.unit));
    const inv = invested.filter((x) => match(x.unit));
    const plan = sumDecimals(p.map((x) => x.plan));
    const total = sumDecimals(inv.map((x) => x.invested));
    return {
      regionCode: code,
      regionName: name,
      projects: p.reduce((a, x) => a + x.projects, 0),
      annualPlan: plan,
      invested: total,
      completion: percentOf(total, plan),
      months: Array.from({ length: 12 }, (_, i) =>
        sumDecimals(
          inv
            .filter((x) => x.month === `${year}-${String(i + 1).padStart(2, '0')}`)
            .map((x) => x.invested),
        ),
      ),
    };
  };
  const units =
    view.level === 'city'
      ? await unitsInView(db, { ...actor, activeRegionCode: view.code })
      : [{ code: repo.unitOf(view.path), name: view.name }];
  return {
    year,
    regions: [
      row(view.code, `${view.name}（合计）`, () => true),
      ...units
        .map((u) => row(u.code, u.name, (unit) => unit === u.code))
        // the city's own line only when it has projects of its own
        .filter((r, i) => view.level !== 'city' || i > 0 || r.projects > 0 || r.invested !== '0'),
    ],
  };
}
