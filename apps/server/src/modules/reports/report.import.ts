import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import {
  compareDecimals,
  isLateSubmission,
  isWanAmount,
  monthEnd,
  reportDeadline,
  type ImportMappingRequest,
  type ImportOptions,
  type ProjectImport,
  type ProjectStage,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { safeCellText } from '../../platform/spreadsheets/safe-text';
import { assertCan, auditActorOf, type Actor } from '../access';
import {
  applyStaged,
  confirmMapping,
  getImportInScope,
  listImportsOf,
  parseAmount,
  parseDate,
  presentImport,
  receiveUpload,
  validateInBackground,
  validateRows,
  type Cell,
  type ImportDefinition,
  type LedgerLayout,
  type RowReader,
} from '../imports';
import { getRegionInScope } from '../regions';
import * as repo from './report.repository';
import { defaultMonth, pastDeadline, reportRefusal } from './report.service';

/**
 * 月度调度 from Excel: the districts' own monthly ledgers (title rows, merged
 * "投资完成情况（万元）" headings, 合计 rows) or our template. Rows are matched
 * to projects by name inside the uploader's scope (所属区域 tells apart
 * projects of the same name) and by month (a 月份 column, else the month
 * chosen at upload). Validated and applied with the project import's
 * machinery (modules/imports, docs/adr/0007).
 */

type Field =
  | 'seq'
  | 'name'
  | 'region'
  | 'month'
  | 'stage'
  | 'totalInvestment'
  | 'annualPlan'
  | 'cumulative'
  | 'completion'
  | 'invested'
  | 'progress'
  | 'problems';

export const reportLedgerLayout: LedgerLayout<Field> = {
  anchor: 'name',
  anchorLabel: '项目名称',
  patterns: [
    ['seq', /^(序号|编号)$/],
    ['name', /^(项目名称|项目)$/],
    ['region', /^(所属区域|所属区县|所在区域|区县|县区|县\(市、区\)|区域|辖区)$/],
    ['month', /^(月份|填报月份|调度月份|所属月份|报告月份|年月)$/],
    ['stage', /(项目阶段|^阶段$)/],
    ['totalInvestment', /^总投资/],
    // known columns the import reads past: "1-10月累计完成投资", "年度计划投资", "完成率"
    ['cumulative', /累计/],
    ['annualPlan', /(年度计划投资|年度投资计划|年计划投资|年度计划)/],
    ['completion', /(完成率|完成比例)/],
    ['invested', /(本月完成投资|当月完成投资|本月投资|当月投资|月度完成投资|本月完成|当月完成)/],
    ['progress', /(形象进度|工程进度|建设进度|进展情况|项目进展|进度情况)/],
    ['problems', /(存在问题|存在的问题|问题及建议|需协调解决|困难问题|^问题$)/],
  ],
};

const field = (key: Field, label: string, required: boolean, hint: string | null = null) => ({
  key,
  label,
  required,
  amount: key === 'invested',
  hint,
});

/** The fields a column can feed; the other patterns only keep known columns from being mistaken. */
export const reportImportDefinition: ImportDefinition<Field> = {
  kind: 'monthly_reports',
  layout: reportLedgerLayout,
  defaultUnit: 'wan',
  audit: {
    uploaded: 'report.import_uploaded',
    mapped: 'report.import_mapped',
    entityType: 'report_import',
  },
  fields: [
    field('name', '项目名称', true, '须与项目库中的名称一致'),
    field('region', '所属区域', false, '同名项目分属不同区域时用来区分'),
    field('month', '月份', false, '无此列时按所选月份'),
    field('invested', '本月完成投资', true),
    field('progress', '形象进度', true),
    field('problems', '存在问题', false),
  ],
};
const def = reportImportDefinition;
const fieldLabels = Object.fromEntries(def.fields.map((f) => [f.key, f.label])) as Record<
  string,
  string
>;

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const monthText = (y: number, m: number): Parsed<string | null> =>
  m >= 1 && m <= 12 && y >= 2000 && y <= 2100
    ? { ok: true, value: `${y}-${String(m).padStart(2, '0')}` }
    : { ok: false, message: `${y}年${m}月不是有效的月份` };

/** 'YYYY-MM' from 2026-10, 2026.10, 2026年10月, 202610, a date cell or a full date. */
export function parseMonth(c: Cell): Parsed<string | null> {
  if (c === null) return { ok: true, value: null };
  if (c instanceof Date) {
    if (Number.isNaN(c.getTime())) return { ok: false, message: '不是有效的月份' };
    return { ok: true, value: c.toISOString().slice(0, 7) };
  }
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 200001 && c <= 210012)
      return monthText(Math.floor(c / 100), c % 100);
    // Excel turns a typed 2026.10 into the number 2026.1: October or January?
    if (/^\d{4}\.1$/.test(String(c)))
      return {
        ok: false,
        message: `"${c}"无法区分1月还是10月，请写作文本 2026-10 或 2026年10月`,
      };
  }
  if (typeof c !== 'string' && typeof c !== 'number')
    return { ok: false, message: '单元格含公式或错误值，请粘贴为数值' };
  const text = String(c).replace(/\s/g, '');
  const m = /^(\d{4})(?:[.\-/年](\d{1,2})月?|(\d{2}))$/.exec(text);
  if (m) return monthText(Number(m[1]), Number(m[2] ?? m[3]));
  const d = parseDate(text);
  if (d.ok && d.value) return { ok: true, value: d.value.slice(0, 7) };
  return { ok: false, message: `"${text}"不是有效的月份（可写作 2026-10 或 2026年10月）` };
}

export async function getReportImport(db: Db, actor: Actor, id: number): Promise<ProjectImport> {
  assertCan(actor, 'report.import');
  return presentImport(await getImportInScope(db, actor, id, 'monthly_reports'));
}

export async function listReportImports(db: Db, actor: Actor): Promise<ProjectImport[]> {
  assertCan(actor, 'report.import');
  return listImportsOf(db, actor, 'monthly_reports');
}

/** Receives the file and reads its header; `month` is the default month of rows without one. */
export async function startReportImport(
  db: Db,
  actor: Actor,
  upload: { filename: string; month?: string | undefined; stream: Readable },
): Promise<ProjectImport> {
  assertCan(actor, 'report.import');
  return receiveUpload(db, actor, def, upload, { month: upload.month ?? null });
}

/** The confirmed mapping: remembered, then the file is checked in the background. */
export async function mapReportImport(
  db: Db,
  actor: Actor,
  log: FastifyBaseLogger,
  id: number,
  req: ImportMappingRequest,
): Promise<ProjectImport> {
  assertCan(actor, 'report.import');
  const { row, path, options } = await confirmMapping(db, actor, def, id, req, (o, layout) => {
    const month = o.month ?? layout.titleMonth;
    if (!o.columns.some((c) => c.field === 'month') && !month)
      throw new DomainError('IMPORT_MAPPING_INVALID', {
        message: '文件中没有"月份"列，请选择这些行的月份',
      });
    if (month && month > defaultMonthCap())
      throw new DomainError('IMPORT_MAPPING_INVALID', { message: '不能导入未来月份的调度' });
  });
  const month = options.month ?? (row.layout as { titleMonth: string | null }).titleMonth;
  validateInBackground(db, row.id, path, log, () =>
    runValidation(db, actor, row.id, path, { ...options, month }),
  );
  return presentImport(row);
}

/** this month (Beijing time): the latest month one may report */
const defaultMonthCap = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

interface Candidate {
  id: number;
  name: string;
  region_code: string;
  region_name: string;
  unit: string;
  stage: ProjectStage;
  total_investment: string;
}

async function runValidation(
  db: Db,
  actor: Actor,
  importId: number,
  path: string,
  options: ImportOptions,
) {
  const defaultMonthOfFile = options.month ?? undefined;
  // the projects of the scope by name, the closings and the existing reports, loaded once
  const projects = await db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select([
      'projects.id',
      'projects.name',
      'projects.region_code',
      'projects.stage',
      'projects.total_investment',
      'regions.name as region_name',
      repo.unitSql('regions.path').as('unit'),
    ])
    .where('regions.path', 'like', `${actor.scopePath}%`)
    .execute();
  const byName = new Map<string, Candidate[]>();
  for (const p of projects) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const closures = await db
    .selectFrom('report_month_closures')
    .select(['region_code', 'month'])
    .execute();
  const closed = new Set(closures.map((c) => `${c.region_code}|${c.month}`));

  const seen = new Set<string>();
  // the scope's reports of each month the file names, loaded once per month
  const monthsLoaded = new Map<string, Awaited<ReturnType<typeof reportsOf>>>();
  const reportFor = async (projectId: number, month: string) => {
    let m = monthsLoaded.get(month);
    if (!m) monthsLoaded.set(month, (m = await reportsOf(db, actor, month)));
    return m.get(projectId);
  };

  const row = async (r: RowReader<Field>) => {
    const prose = (f: 'progress' | 'problems', required: boolean) => {
      const t = r.text(f);
      if (!t) {
        if (required) r.fail(f, `请填写${fieldLabels[f]}`);
        return '';
      }
      if (/[<>]/.test(t)) r.fail(f, '不能包含尖括号 < >');
      else if (t.length > 2000) r.fail(f, '不能超过2000个字符');
      return t;
    };

    // the project: by name in scope, told apart by 所属区域 when needed
    const name = r.text('name');
    const regionText = r.text('region');
    let project: Candidate | undefined;
    if (!name) r.fail('name', '请填写项目名称');
    else {
      let found = byName.get(name) ?? [];
      if (regionText)
        found = found.filter((p) => p.region_name === regionText || p.region_code === regionText);
      if (found.length === 0)
        r.fail(
          'name',
          regionText && byName.has(name)
            ? `"${regionText}"没有名为"${name}"的项目`
            : `找不到项目"${name}"（须为您管辖范围内已入库的项目，名称须完全一致）`,
        );
      else if (found.length > 1) r.fail('region', `多个区域有名为"${name}"的项目，请填写所属区域`);
      else project = found[0];
    }
    const monthCell = parseMonth(r.cell('month'));
    if (!monthCell.ok) r.fail('month', monthCell.message);
    const month = (monthCell.ok ? monthCell.value : null) ?? defaultMonthOfFile;
    if (monthCell.ok && !month) r.fail('month', '请填写月份');
    const amount = parseAmount(r.cell('invested'), r.unit('invested', options.amountUnit));
    let invested: string | undefined;
    if (!amount.ok) r.fail('invested', amount.message);
    else if (amount.value === null) r.fail('invested', '请填写本月完成投资');
    else if (!isWanAmount(amount.value)) r.fail('invested', '金额过大');
    else invested = amount.value;
    const progress = prose('progress', true);
    const problems = prose('problems', false);

    if (r.errors.length || !project || !month || invested === undefined) return null;
    const refusal = reportRefusal(project, month, closed.has(`${project.unit}|${month}`));
    const key = `${project.id}|${month}`;
    if (refusal)
      r.fail(refusal.code === 'REPORT_STAGE_NOT_REPORTING' ? 'name' : 'month', refusal.message);
    else if (compareDecimals(invested, project.total_investment) > 0)
      r.fail('invested', '本月完成投资超过项目总投资');
    else if (seen.has(key)) r.fail('name', `与本文件中前面的行重复（同一项目同一月份只能有一行）`);
    seen.add(key);
    if (r.errors.length) return null;
    const old = await reportFor(project.id, month);
    const data = {
      project_id: project.id,
      region_code: project.region_code,
      month,
      invested,
      progress,
      problems,
      report_id: old?.id ?? null,
      report_version: old?.version ?? null,
    };
    const unchanged =
      old &&
      compareDecimals(old.invested, invested) === 0 &&
      old.progress === progress &&
      old.problems === problems;
    return {
      row_number: r.row.number,
      action: !old ? ('create' as const) : unchanged ? ('unchanged' as const) : ('update' as const),
      project_id: project.id,
      project_version: null,
      data: JSON.stringify(data),
    };
  };
  await validateRows(db, importId, path, def, options, { row });
}

/** The scope's reports of one month by project. */
async function reportsOf(db: Db, actor: Actor, month: string) {
  const rows = await db
    .selectFrom('monthly_reports')
    .innerJoin('regions', 'regions.code', 'monthly_reports.region_code')
    .select([
      'monthly_reports.id',
      'monthly_reports.project_id',
      'monthly_reports.invested',
      'monthly_reports.progress',
      'monthly_reports.problems',
      'monthly_reports.version',
    ])
    .where('regions.path', 'like', `${actor.scopePath}%`)
    .where('monthly_reports.month', '=', month)
    .execute();
  return new Map(rows.map((r) => [r.project_id, r]));
}

/** Writes every valid row in one transaction, or none. */
export async function applyReportImport(db: Db, actor: Actor, id: number): Promise<ProjectImport> {
  assertCan(actor, 'report.import');
  const who = auditActorOf(actor);
  const audit = { action: 'report.imported', entityType: 'report_import' };
  return applyStaged(db, actor, id, 'monthly_reports', audit, async (trx, imp) => {
    const rows = sql`project_import_rows r`;
    const { rows: touched } = await sql<{ month: string }>`
      select distinct r.data->>'month' as month from ${rows} where r.import_id = ${id}`.execute(
      trx,
    );
    await repo.lockMonths(
      trx,
      touched.map((t) => t.month),
    );
    // a month closed since the file was checked stops the whole import
    const { rows: closedNow } = await sql<{ month: string }>`
      select distinct r.data->>'month' as month
      from ${rows}
      join projects p on p.id = r.project_id
      join regions g on g.code = p.region_code
      join report_month_closures c on c.month = r.data->>'month' and c.region_code = ${repo.unitSql('g.path')}
      where r.import_id = ${id} and r.action in ('create', 'update')`.execute(trx);
    if (closedNow.length)
      throw new DomainError('REPORT_MONTH_CLOSED', {
        message: `导入期间${closedNow.map((c) => c.month).join('、')}的调度已关闭，本次导入未写入任何数据`,
      });
    const now = new Date();
    const { rows: months } = await sql<{ month: string }>`
      select distinct r.data->>'month' as month from ${rows}
      where r.import_id = ${id} and r.action = 'create'`.execute(trx);
    const late = months.map((m) => m.month).filter((m) => isLateSubmission(m, now));
    const lateSql = late.length ? sql`(r.data->>'month') in (${sql.join(late)})` : sql`false`;
    const source = `批量导入（${imp.filename}）`;
    // what an audit row shows of a report: the fields the import writes
    const shown = sql.raw(
      `'projectId', m.project_id, 'month', m.month, 'invested', m.invested::text,
       'progress', m.progress, 'problems', m.problems, 'late', m.late`,
    );
    // each report created or changed gets its own audit row, in the same statement
    const created = await sql<{ n: number }>`
      with created as (
        insert into monthly_reports (project_id, region_code, month, invested, progress, problems,
                                     late, source, reporter_id, reporter_name, submitted_at, updated_at)
        select r.project_id, r.data->>'region_code', r.data->>'month', (r.data->>'invested')::numeric,
               r.data->>'progress', r.data->>'problems', ${lateSql}, 'import', ${who.userId}, ${who.name},
               ${now}, ${now}
        from ${rows}
        where r.import_id = ${id} and r.action = 'create'
        on conflict (project_id, month) do nothing
        returning *
      ), audits as (
        insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region_code, after, ip)
        select ${who.userId}::int, ${who.name}::text, 'report.submitted', 'monthly_report', m.id::text,
               m.region_code, jsonb_build_object(${shown}, 'source', ${source}::text), ${who.ip}::text
        from created m
      )
      select count(*)::int as n from created`.execute(trx);
    const updated = await sql<{ n: number }>`
      with old as (
        select m.* from monthly_reports m join ${rows}
          on r.import_id = ${id} and r.action = 'update' and m.id = (r.data->>'report_id')::int
      ), changed as (
        update monthly_reports m set
          invested = (r.data->>'invested')::numeric, progress = r.data->>'progress',
          problems = r.data->>'problems', reporter_id = ${who.userId}, reporter_name = ${who.name},
          updated_at = ${now}, version = m.version + 1
        from ${rows}
        where r.import_id = ${id} and r.action = 'update'
          and m.id = (r.data->>'report_id')::int and m.version = (r.data->>'report_version')::int
        returning m.*
      ), audits as (
        insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region_code, before, after, ip)
        select ${who.userId}::int, ${who.name}::text, 'report.updated', 'monthly_report', c.id::text,
               c.region_code, (select jsonb_build_object(${shown}) from old m where m.id = c.id),
               (select jsonb_build_object(${shown}, 'source', ${source}::text) from changed m where m.id = c.id),
               ${who.ip}::text
        from changed c
      )
      select count(*)::int as n from changed`.execute(trx);
    if (
      (created.rows[0]?.n ?? 0) !== imp.create_rows ||
      (updated.rows[0]?.n ?? 0) !== imp.update_rows
    )
      throw new DomainError('IMPORT_CHANGED_MEANWHILE', {
        message: '导入期间有项目的调度被他人填报或修改，本次导入未写入任何数据，请重新上传',
      });
    return {
      created: imp.create_rows,
      updated: imp.update_rows,
      unchanged: imp.unchanged_rows,
      late: late.length ? `${late.join('、')}（逾期填报）` : null,
    };
  });
}

// ------------------------------------------------------------ the template

const templateHeaders = [
  '序号',
  '项目名称*',
  '所属区域',
  '月份*',
  '本月完成投资（万元）*',
  '形象进度*',
  '存在问题',
  '年度计划投资（万元）',
  '本年累计完成投资（万元，截至上月）',
];

/**
 * The downloadable template: the month's header and, prefilled, the
 * projects in the user's scope that still owe that month's report.
 */
export async function reportTemplate(db: Db, actor: Actor, month = defaultMonth()) {
  assertCan(actor, 'report.overview');
  const region = await getRegionInScope(db, actor, actor.activeRegionCode);
  const owing = await repo.monthPage(
    db,
    {
      scopePath: actor.scopePath,
      month,
      monthEnd: monthEnd(month),
      pastDeadline: pastDeadline(month),
    },
    { limit: 20_000, offset: 0 },
  );
  const [y, m] = month.split('-').map(Number) as [number, number];
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('月度调度');
  ws.addRow([`${region.name}${y}年${m}月重点项目月度调度表`]).font = { bold: true, size: 14 };
  ws.addRow([
    `金额单位：万元；月份写作 ${month} 或 ${y}年${m}月；带 * 的列必填；按时报送截止 ${reportDeadline(month)}；年度计划与累计两列仅供参考，导入时不读取`,
  ]);
  ws.addRow(templateHeaders).font = { bold: true };
  let i = 0;
  for (const r of owing.filter((x) => x.report_id === null)) {
    const before = compareDecimals(r.year_invested, '0') > 0 ? r.year_invested : '0';
    ws.addRow([
      ++i,
      safeCellText(r.name),
      safeCellText(r.region_name),
      month,
      null,
      null,
      null,
      Number(r.annual_plan),
      Number(before),
    ]);
  }
  if (i === 0)
    ws.addRow([
      1,
      '示例：一汽解放新能源商用车郑州基地',
      '郑州经济技术开发区',
      month,
      12500.5,
      '主体结构完成80%',
      '',
    ]);
  ws.columns.forEach((c, k) => (c.width = [6, 36, 18, 10, 18, 40, 30, 18, 22][k] ?? 16));
  const help = wb.addWorksheet('填写说明');
  help.addRows([
    ['列', '说明'],
    ['项目名称', '须与平台项目库中的名称完全一致；同名项目分属不同区域时请填写所属区域'],
    ['月份', '不填则以上传时选择的月份为准；已关闭的月份不能导入'],
    ['本月完成投资', '当月完成的投资额，单位万元（表头写"亿元"则按亿元读取）'],
    ['已填报的月份', '同一项目同一月份已有报告时，导入将修改该报告'],
    ['完成率', '年度完成率 = 本年累计完成投资 ÷ 年度计划投资，由平台计算，无需填写'],
  ]);
  help.getColumn(1).width = 14;
  help.getColumn(2).width = 90;
  return {
    filename: `月度调度导入模板（${month}）.xlsx`,
    file: Buffer.from(await wb.xlsx.writeBuffer()),
  };
}
