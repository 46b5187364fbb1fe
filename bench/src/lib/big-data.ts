// The large, deterministic data set of the project-list benchmark: a million
// projects, their 项目入库 stage events and twelve monthly reports each,
// written with INSERT … SELECT over generate_series (no row-by-row traffic).
// Every value comes from hashint8extended(row, seed), so every run writes the
// same data.
import type pgTypes from 'pg';
import { importFromServer } from './harness';
import {
  CREDIT_CODE,
  clusters,
  namePrefixes as prefixes,
  nameMids as mids,
  nameSuffixes as suffixes,
} from './names';

export const SEED = 20261122;
const BATCH = 100_000;
/** the 12 months that every generated project reports for: 2025-11 … 2026-10 */
export const REPORT_MONTHS = Array.from({ length: 12 }, (_, i) => {
  const d = new Date(Date.UTC(2025, 10 + i, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
});
/** the month and year the report cases ask for */
export const REPORT_MONTH = REPORT_MONTHS.at(-1)!;
export const REPORT_YEAR = Number(REPORT_MONTH.slice(0, 4));

const secs = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

// Names are word + word + word + （n）; the initials come from pinyin-pro
// with the options of the server's nameInitials(), so "heysj" finds 海尔压缩机….
const leaders = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏'];

interface Pinyin {
  pinyin(text: string, opts: Record<string, unknown>): string[];
}

async function initialsOf(words: string[]): Promise<string[]> {
  const { module } = await importFromServer<Pinyin>('pinyin-pro');
  return words.map((w) =>
    module
      .pinyin(w, { pattern: 'first', toneType: 'none', type: 'array' })
      .join('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );
}

/** a deterministic 31-bit hash of row i and salt k */
const h = (k: number) => `(hashint8extended(g.i * 16 + ${k}, ${SEED}) & 2147483647)`;

// stage shares (%) and level shares: building is the biggest group, as in real ledgers
const projectsSql = `
insert into projects (name, name_initials, owner_name, owner_credit_code, region_code,
  industry_cluster, industry_code, level, content, total_investment, annual_plan, plan_year,
  stage, stage_changed_on, planned_start, planned_end, actual_start, actual_end, leader_name,
  contact_name, contact_phone, lng, lat, tags, created_at, updated_at)
select
  y.pw || y.mw || y.sw || '（' || y.i || '）',
  y.pi || y.mi || y.si || y.i,
  y.pw || '（郑州）' || y.mw || '有限公司',
  '${CREDIT_CODE}',
  case when ($11::int[])[y.k] = 0 or y.h1 % 2 = 0 then ($9::text[])[y.k]
       else ($12::text[])[($10::int[])[y.k] + (y.h2 % ($11::int[])[y.k])::int + 1] end,
  ($13::text[])[1 + y.h3 % cardinality($13::text[])],
  case when y.h4 % 10 < 7 then 'C' || (13 + y.h4 % 30) end,
  y.level,
  '建设' || y.mw || '生产线及配套设施',
  y.total,
  round(y.total * (0.1 + (y.h5 % 60) / 100.0), 2),
  2021 + (y.h6 % 6)::int,
  y.stage,
  y.start + (y.h7 % 400)::int,
  y.start,
  y.start + 180 + (y.h8 % 1500)::int,
  case when y.stage in ('building', 'completed', 'operating') then y.start + (y.h9 % 90)::int end,
  case when y.stage in ('completed', 'operating') then y.start + 180 + (y.h8 % 1500)::int end,
  case when y.h10 % 4 > 0 then ($14::text[])[1 + y.h10 % cardinality($14::text[])] end,
  case when y.h10 % 3 > 0 then ($14::text[])[1 + y.h11 % cardinality($14::text[])] end,
  case when y.h10 % 3 > 0 then '138' || lpad((y.h11 % 100000000)::text, 8, '0') end,
  round(113.4 + (y.h12 % 500000) / 1000000.0, 6),
  round(34.6 + (y.h13 % 300000) / 1000000.0, 6),
  case when y.h14 % 5 = 0 then '{三个一批}'::text[] else '{}'::text[] end,
  y.created,
  y.created + (y.h15 % 7776000) * interval '1 second'
from (
  select x.*,
    ($3::text[])[1 + x.h0 % cardinality($3::text[])] as pw,
    ($4::text[])[1 + x.h0 % cardinality($4::text[])] as pi,
    ($5::text[])[1 + (x.h0 / 64) % cardinality($5::text[])] as mw,
    ($6::text[])[1 + (x.h0 / 64) % cardinality($6::text[])] as mi,
    ($7::text[])[1 + (x.h0 / 4096) % cardinality($7::text[])] as sw,
    ($8::text[])[1 + (x.h0 / 4096) % cardinality($8::text[])] as si,
    (1 + (x.h1 / 2) % cardinality($9::text[]))::int as k,
    case when x.h3 / 32 % 100 < 15 then 'planned' when x.h3 / 32 % 100 < 25 then 'negotiating'
         when x.h3 / 32 % 100 < 40 then 'signed' when x.h3 / 32 % 100 < 55 then 'preparing'
         when x.h3 / 32 % 100 < 80 then 'building' when x.h3 / 32 % 100 < 90 then 'completed'
         else 'operating' end as stage,
    case when x.h4 / 32 % 100 < 10 then 'province' when x.h4 / 32 % 100 < 40 then 'city'
         else 'district' end as level,
    round((500 * power(10000, (x.h5 / 64 % 1000000) / 1000000.0))::numeric, 2) as total,
    date '2020-01-01' + (x.h7 / 512 % 2200)::int as start,
    timestamptz '2023-01-01 08:00+08' + (x.h15 / 64 % 94608000) * interval '1 second' as created
  from (
    select g.i, ${Array.from({ length: 16 }, (_, k) => `${h(k)} as h${k}`).join(', ')}
    from generate_series($1::bigint, $2::bigint) g(i)
    offset 0
  ) x
  offset 0
) y`;

/**
 * `n` projects over the 16 official districts, half on a district itself and
 * half on one of its streets. Returns the first generated id.
 */
export async function generateProjects(client: pgTypes.Client, n: number): Promise<number> {
  const regions = (
    await client.query<{ code: string; parent_code: string; level: string }>(
      `select code, parent_code, level from regions
       where official and level in ('district', 'street') order by code`,
    )
  ).rows;
  const districts = regions.filter((r) => r.level === 'district').map((r) => r.code);
  const streets: string[] = [];
  const streetStart: number[] = [];
  const streetCount: number[] = [];
  for (const d of districts) {
    const own = regions.filter((r) => r.level === 'street' && r.parent_code === d);
    streetStart.push(streets.length);
    streetCount.push(own.length);
    streets.push(...own.map((r) => r.code));
  }
  const params = [
    prefixes,
    await initialsOf(prefixes),
    mids,
    await initialsOf(mids),
    suffixes,
    await initialsOf(suffixes),
    districts,
    streetStart,
    streetCount,
    streets,
    clusters,
    leaders,
  ];
  const firstId =
    Number(
      (await client.query<{ m: string }>('select coalesce(max(id), 0) as m from projects')).rows[0]!
        .m,
    ) + 1;
  console.log(
    `generating ${n.toLocaleString('en')} projects over ${districts.length} districts and ${streets.length} streets (half at district level, half on a street) …`,
  );
  const t0 = performance.now();
  for (let from = 1; from <= n; from += BATCH) {
    const to = Math.min(n, from + BATCH - 1);
    await client.query(projectsSql, [from, to, ...params]);
    process.stdout.write(
      `\r  ${to.toLocaleString('en')} rows, ${secs(performance.now() - t0)}`.padEnd(40),
    );
  }
  console.log('');
  return firstId;
}

/** 项目入库: the one stage event a project gets when it is created, on its creation day */
export async function generateStageEvents(client: pgTypes.Client, firstId: number) {
  const t0 = performance.now();
  const res = await client.query(
    `insert into project_stage_events (project_id, region_code, from_stage, to_stage, occurred_on,
       evidence, actor_id, actor_name, created_at)
     select id, region_code, null, stage, (created_at at time zone 'Asia/Shanghai')::date,
       '项目入库', null, '基准数据', created_at
     from projects where id >= $1 order by id`,
    [firstId],
  );
  console.log(
    `  ${res.rowCount?.toLocaleString('en')} stage events (项目入库), ${secs(performance.now() - t0)}`,
  );
}

const progressTexts = ['土方开挖', '基础施工', '主体结构施工', '主体封顶', '设备安装', '装饰装修', '室外配套', '设备调试', '竣工验收准备']; // prettier-ignore
const problemTexts = ['用地手续待办', '施工许可待批', '资金到位不足', '电力配套滞后', '环评待批复']; // prettier-ignore

/**
 * One report per generated project for `month`: investment around a twelfth
 * of its annual plan, a progress text, a problem in 1 of 10, submitted between
 * the 1st and the 15th of the next month (Beijing), late after the 5th (as
 * isLateSubmission), imported in 1 of 5.
 */
const reportsSql = `
insert into monthly_reports (project_id, region_code, month, invested, progress, problems, late,
  source, reporter_id, reporter_name, submitted_at, updated_at, version)
select x.id, x.region_code, $2::text,
  round(x.annual_plan / 12 * (0.4 + (x.h1 % 120) / 100.0), 2),
  '本月' || ($4::text[])[1 + x.h2 % cardinality($4::text[])],
  case when x.h3 % 10 = 0 then ($5::text[])[1 + (x.h3 / 10) % cardinality($5::text[])] else '' end,
  x.day > 5,
  case when x.h4 % 5 = 0 then 'import' else 'form' end,
  null,
  coalesce(x.contact_name, '填报员'),
  x.at, x.at, 1
from (
  select p.id, p.region_code, p.annual_plan, p.contact_name, r.h1, r.h2, r.h3, r.h4, r.day,
    (($2 || '-01')::date + interval '1 month' + (r.day - 1) * interval '1 day'
      + (r.h5 % 36000 + 30600) * interval '1 second')::timestamp at time zone 'Asia/Shanghai' as at
  from projects p,
  lateral (
    select (hashint8extended(p.id * 8 + 1, $3) & 2147483647) as h1,
           (hashint8extended(p.id * 8 + 2, $3) & 2147483647) as h2,
           (hashint8extended(p.id * 8 + 3, $3) & 2147483647) as h3,
           (hashint8extended(p.id * 8 + 4, $3) & 2147483647) as h4,
           (hashint8extended(p.id * 8 + 5, $3) & 2147483647) as h5,
           -- 92 % by the 5th, the rest up to the 15th
           case when (hashint8extended(p.id * 8 + 6, $3) & 2147483647) % 100 < 92
                then 1 + (hashint8extended(p.id * 8 + 7, $3) & 2147483647) % 5
                else 6 + (hashint8extended(p.id * 8 + 7, $3) & 2147483647) % 10 end::int as day
  ) r
  where p.id >= $1
) x
order by x.id`;

/** Twelve monthly reports for every generated project, one month at a time, as they would arrive. */
export async function generateReports(client: pgTypes.Client, firstId: number) {
  console.log(
    `generating ${REPORT_MONTHS.length} monthly reports per project (${REPORT_MONTHS[0]} … ${REPORT_MONTH}) …`,
  );
  const t0 = performance.now();
  let total = 0;
  for (const [i, month] of REPORT_MONTHS.entries()) {
    const res = await client.query(reportsSql, [
      firstId,
      month,
      SEED + i,
      progressTexts,
      problemTexts,
    ]);
    total += res.rowCount ?? 0;
    process.stdout.write(
      `\r  ${month}: ${total.toLocaleString('en')} reports, ${secs(performance.now() - t0)}`.padEnd(
        50,
      ),
    );
  }
  console.log('');
}

/**
 * Runs `load` without row-by-row foreign-key checks when the user may switch
 * to session_replication_role = replica (a superuser): the generated rows
 * refer to regions, projects and users that exist by construction.
 */
export async function withoutForeignKeyChecks(client: pgTypes.Client, load: () => Promise<void>) {
  let replica = false;
  try {
    await client.query('set session_replication_role = replica');
    replica = true;
    console.log('(foreign-key triggers off for the load)');
  } catch {
    // not a superuser: the foreign keys are checked as usual
  }
  try {
    await load();
  } finally {
    if (replica) await client.query('set session_replication_role = origin');
  }
}

/**
 * Runs `load` with the secondary indexes of `tables` dropped (not those
 * behind a primary key or unique constraint), then creates them again from
 * their own definitions (pg_indexes), so the tables end up exactly as the
 * migrations shape them, without the cost of maintaining each index row by
 * row during a bulk load.
 */
export async function withIndexesRebuilt(
  client: pgTypes.Client,
  tables: string[],
  load: () => Promise<void>,
) {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `select i.indexname, i.indexdef from pg_indexes i
     where i.schemaname = 'public' and i.tablename = any($1)
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [tables],
  );
  for (const r of rows) await client.query(`drop index "${r.indexname}"`);
  await load();
  const t0 = performance.now();
  await client.query(`set maintenance_work_mem = '256MB'`);
  for (const r of rows) {
    process.stdout.write(`\r  creating ${r.indexname} …`.padEnd(60));
    await client.query(r.indexdef);
  }
  await client.query('reset maintenance_work_mem');
  console.log(
    `\r  ${rows.length} secondary indexes created again (${rows.map((r) => r.indexname).join(', ')}), ${secs(performance.now() - t0)}`,
  );
}
