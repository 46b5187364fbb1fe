// The large, deterministic data set of the ticket benchmark (issue 5): the
// departments, users, enterprises and projects tickets refer to, a million
// tickets over the twelve months before the generation time with their
// history (ticket_events) and co-handling units, all written with
// INSERT … SELECT over generate_series. Every value comes from
// hashint8extended(row, seed), so the same time T0 gives the same data.
//
// The rows follow the engine (ticket.service.ts, ticket.jobs.ts) as the
// worker would have left them at T0: a ticket is due one time limit after it
// was registered (working days approximated as 7/5 calendar days), is
// reminded a quarter of its limit before (at least an hour), and while it is
// not closed it escalated once per time limit passed (street → district →
// city), so next_escalation_at is one limit after the last escalation, or
// NULL at the top and once closed. Reminders due before T0 (or before the
// close) were sent. Audit rows of the history are not generated.
import type pgTypes from 'pg';
import { namePrefixes, nameMids } from './names';

export const TICKET_SEED = 20261201;
const BATCH = 100_000;
const CITY = '410100';
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** how many of each the generator writes (tickets is the knob; the rest is fixed) */
export const SHAPE = {
  enterprises: 50_000,
  enterpriseUsers: 10_000,
  leadersPerDistrict: 125,
  projects: 20_000,
};

const cityDepartments = ['发展和改革委员会', '工业和信息化局', '住房和城乡建设局', '自然资源和规划局', '生态环境局', '城市管理局', '交通运输局', '市场监督管理局', '人力资源和社会保障局', '财政局', '商务局', '科学技术局', '水利局', '应急管理局', '公安局', '教育局', '卫生健康委员会', '行政审批和政务信息管理局', '税务局', '供电公司']; // prettier-ignore
const districtDepartments = ['发展改革和统计局', '建设局', '自然资源和规划分局', '生态环境分局', '城市管理局', '市场监督管理局', '人力资源和社会保障局', '行政审批服务局', '应急管理局', '供电服务中心', '交通运输局']; // prettier-ignore
const people = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰', '吴琳', '徐强', '孙丽', '马超', '朱红', '胡军', '郭涛']; // prettier-ignore
const industries = ['装备制造', '汽车及零部件', '电子信息', '新材料', '现代食品', '生物医药', '现代物流', '商贸服务']; // prettier-ignore
/** titles by source: enterprise, request, grid, project */
const titles: string[][] = [
  ['扩建用地指标协调', '双回路供电接入', '技改项目流动资金贷款', '施工许可并联审批', '技术工人招聘', '厂区周边道路修缮', '天然气增容申请', '排污许可变更'], // prettier-ignore
  ['企业开办帮办代办', '研发费用加计扣除政策咨询', '夜间施工噪音扰民', '不动产登记帮办', '社保缴费基数咨询', '小区停车位规划建议'], // prettier-ignore
  ['独居老人入户走访', '楼道堆放杂物', '电动车楼道充电隐患', '沿街占道经营', '共享单车乱停乱放', '高空抛物隐患'], // prettier-ignore
  ['项目用地规划调整', '环评批复进度', '施工临时用电', '项目周边道路封闭协调', '征迁补偿纠纷'], // prettier-ignore
];
const replies = ['已现场核实并协调解决', '已完成办理，结果已告知诉求人', '已联系相关单位限期整改', '已答复政策依据及办理流程', '已纳入专项计划推进']; // prettier-ignore

const h = (k: number) => `(hashint8extended(g.i::bigint * 32 + ${k}, $3) & 2147483647)`;

/**
 * One batch of tickets: rows $1..$2, id = $4 + row. T0 is $5, and the
 * lookups are arrays ($6 …): see generateTickets for their order.
 */
const ticketsSql = `
insert into tickets (id, source, category_id, title, description, region_code, region_path, level,
  status, enterprise_id, project_id, requester_user_id, requester_name, requester_phone, address,
  lng, lat, department_id, created_by, created_by_name, limit_value, limit_unit, due_at, remind_at,
  reminded_at, next_escalation_at, escalations, dispatched_at, reply, replied_at, rating,
  rating_comment, rated_at, closed_at, closed_on_time, resolved_level, merged_into_id, version,
  created_at, updated_at)
select
  $4 + g.i, s.source, ($6::int[])[c.ci], w.title, w.title || '：' || s.source_label || '，请尽快协调办理。',
  r.code, r.path, (array['grid','street','district','city'])[e.lvl + 1], st.status,
  en.id, p.id,
  case when who.submitted then who.created_by end,
  who.requester_name,
  '139' || lpad((x.h12 % 100000000)::text, 8, '0'),
  r.name || '（' || x.h13 % 300 || '号）',
  round((113.45 + (x.h13 % 400000) / 1000000.0)::numeric, 6),
  round((34.62 + (x.h14 % 280000) / 1000000.0)::numeric, 6),
  case when st.status in ('dispatched', 'handling', 'replied', 'closed') then dp.id end,
  who.created_by, who.created_by_name,
  ($7::int[])[c.ci], ($8::text[])[c.ci],
  t.due, t.due - greatest(interval '1 hour', t.lim / 4),
  case when st.open then
         case when t.due - greatest(interval '1 hour', t.lim / 4) <= $5
              then least($5, t.due - greatest(interval '1 hour', t.lim / 4) + interval '30 seconds') end
       when t.due - greatest(interval '1 hour', t.lim / 4) < st.closed_at
         then t.due - greatest(interval '1 hour', t.lim / 4) + interval '30 seconds' end,
  case when st.open and e.lvl < 3 then s.created + (e.k + 1) * t.lim end,
  e.k,
  st.dispatched_at,
  case when st.replied_at is not null then ($9::text[])[1 + x.h15 % cardinality($9::text[])] end,
  st.replied_at, st.rating, null, st.rated_at,
  st.closed_at,
  case when st.status = 'closed' then st.replied_at <= t.due end,
  case when st.status = 'closed' then (array['grid','street','district','city'])[e.lvl + 1] end,
  case when st.status = 'merged' and g.i > 20 then $4 + g.i - 1 - x.h11 % 20 end,
  1 + e.k + (st.dispatched_at is not null)::int * 2 + (st.replied_at is not null)::int
    + (st.rated_at is not null)::int + (st.closed_at is not null)::int,
  s.created,
  greatest(s.created, st.closed_at, st.replied_at, st.dispatched_at)
from generate_series($1::int, $2::int) g(i)
cross join lateral (select ${Array.from({ length: 16 }, (_, k) => `${h(k)} as h${k}`).join(', ')} offset 0) x
cross join lateral (select
  -- evenly over the 365 days before T0, in id order, a few seconds of jitter
  $5::timestamptz - interval '365 days' + ((g.i - 1) * (31536000.0 / $10)) * interval '1 second'
    + (x.h0 % 20) * interval '1 second' as created,
  case when x.h1 % 100 < 30 then 1 when x.h1 % 100 < 60 then 2 when x.h1 % 100 < 90 then 3 else 4 end as src,
  -- a skewed district: the first ones in the list get more
  least(16, 1 + floor(16 * power((x.h3 % 1000000) / 1000000.0, 1.6)))::int as di
 offset 0) a
cross join lateral (select
  (array['enterprise','request','grid','project'])[a.src] as source,
  (array['企业诉求','群众诉求','网格事件','项目问题'])[a.src] as source_label,
  a.created as created
 offset 0) s
cross join lateral (select ($11::int[])[a.src] + 1 + (x.h2 % ($12::int[])[a.src])::int as ci offset 0) c
cross join lateral (select ($13::text[])[($14::int[])[a.src] + 1 + (x.h2 / 16 % ($15::int[])[a.src])::int] as title offset 0) w
left join enterprises en on a.src = 1 and en.id = ($16::int[])[1 + x.h4 % cardinality($16::int[])]
-- the enterprise's user (the first 10 000 have one), by the username index
left join users eu on a.src = 1 and lower(eu.username) = 'tb_ent_' || en.id
left join users lu on lu.id = en.cadre_user_id
left join projects p on a.src = 4 and p.id = ($17::int[])[1 + x.h4 % cardinality($17::int[])]
-- a street of the district (grid events happen on one: a district without streets lends its events to the first)
cross join lateral (select case when a.src = 3 and ($20::int[])[a.di] = 0 then 1 else a.di end as di offset 0) dx
cross join lateral (select case when ($20::int[])[dx.di] > 0
  then ($19::int[])[dx.di] + 1 + (x.h5 / 128 % ($20::int[])[dx.di])::int end as si
 offset 0) sx
cross join lateral (select case a.src
    when 1 then en.region_code
    when 4 then p.region_code
    when 3 then ($18::text[])[sx.si]
    else case when x.h5 % 100 < 3 then '${CITY}' when x.h5 % 2 = 0 or sx.si is null then ($21::text[])[a.di]
              else ($18::text[])[sx.si] end
  end as code offset 0) rc
join regions r on r.code = rc.code
cross join lateral (select
  -- 1 = the city's departments and admin, 2.. = a district's
  1 + coalesce(array_position($21::text[], split_part(r.path, '/', 2)::text), 0) as grp,
  case r.level when 'city' then 3 when 'district' then 2 else 1 end as start_lvl
 offset 0) rg
cross join lateral (select
  (a.src = 1 and eu.id is not null and x.h6 % 2 = 0) or a.src = 3 as submitted,
  case when a.src = 1 and eu.id is not null and x.h6 % 2 = 0 then eu.id
       when a.src = 1 then en.cadre_user_id
       when a.src = 3 then ($22::int[])[sx.si]
       else ($24::int[])[rg.grp] end as created_by,
  case when a.src = 1 and eu.id is not null and x.h6 % 2 = 0 then eu.display_name
       when a.src = 1 then lu.display_name
       when a.src = 3 then ($23::text[])[sx.si]
       else ($25::text[])[rg.grp] end as created_by_name,
  case when a.src = 1 and eu.id is not null and x.h6 % 2 = 0 then eu.display_name
       when a.src = 1 then en.contact_name
       when a.src = 3 then ($23::text[])[sx.si]
       when a.src = 4 then coalesce(p.contact_name, ($26::text[])[1 + x.h12 % cardinality($26::text[])])
       else ($26::text[])[1 + x.h12 % cardinality($26::text[])] end as requester_name
 offset 0) who
cross join lateral (select
  ($27::int[])[(($28::int[])[rg.grp] + 1 + floor(($29::int[])[rg.grp] * power((x.h9 % 1000000) / 1000000.0, 1.5)))::int] as id
 offset 0) dp
cross join lateral (select
  ($30::float8[])[c.ci] * interval '1 hour' as lim,
  s.created + ($30::float8[])[c.ci] * interval '1 hour' as due,
  extract(epoch from $5::timestamptz - s.created) as age
 offset 0) t
cross join lateral (select
  -- open: recent tickets more often; never closed within its first hour
  t.age < 3600 or x.h7 % 100 < case when t.age < 7 * 86400 then 75 when t.age < 30 * 86400 then 45
                                     when t.age < 90 * 86400 then 25 else 10 end as open,
  -- working time until the reply: 85 % within the limit
  t.lim * case when x.h8 % 100 < 85 then 0.1 + 0.85 * (x.h10 % 1000) / 1000.0
               else 1.05 + 2.0 * (x.h10 % 1000) / 1000.0 end as work
 offset 0) o
cross join lateral (select
  case when o.open then
         case when x.h11 % 100 < 10 then case when who.submitted then 'submitted' else 'accepted' end
              when x.h11 % 100 < 25 then 'accepted' when x.h11 % 100 < 45 then 'dispatched'
              when x.h11 % 100 < 80 then 'handling' else 'replied' end
       when x.h6 / 2 % 100 < 2 then 'merged' else 'closed' end as status
 offset 0) s0
cross join lateral (select
  s0.status, o.open,
  case when s0.status = 'merged' then s.created + least(t.age * 0.5, extract(epoch from t.lim) * 0.3) * interval '1 second'
       when not o.open then least(s.created + o.work + greatest(interval '10 minutes', o.work * 0.1), $5 - interval '1 minute') end
    as closed_at,
  case when s0.status in ('replied', 'closed') then
         case when o.open then s.created + t.age * 0.8 * interval '1 second'
              else least(s.created + o.work, $5 - interval '10 minutes') end end as replied_at,
  case when s0.status in ('dispatched', 'handling', 'replied', 'closed') then
         case when o.open then s.created + t.age * 0.1 * interval '1 second'
              else s.created + least(o.work, $5 - interval '10 minutes' - s.created) * 0.1 end end as dispatched_at,
  case when s0.status = 'closed' and x.h14 % 100 < 92 or s0.status = 'replied' and x.h14 % 100 < 30 then
         case when x.h15 / 8 % 100 < 80 then 'satisfied' when x.h15 / 8 % 100 < 95 then 'basic' else 'unsatisfied' end
       end as rating
 offset 0) st0
cross join lateral (select st0.*,
  case when st0.rating is not null then
         case when o.open then st0.replied_at + (($5 - st0.replied_at) / 2)
              else st0.replied_at + (st0.closed_at - st0.replied_at) / 2 end end as rated_at
 offset 0) st
cross join lateral (select
  -- escalations: one per time limit the ticket stayed open, up to the city
  least(3 - rg.start_lvl,
        case when st.status = 'merged' then 0
             else floor(extract(epoch from coalesce(st.closed_at, $5) - s.created) / extract(epoch from t.lim)) end)::int as k
 offset 0) e0
cross join lateral (select e0.k, rg.start_lvl + e0.k as lvl offset 0) e`;

const eventsSql = `
insert into ticket_events (ticket_id, kind, from_status, to_status, level, department_name, note,
  actor_id, actor_name, at)
select t.id, v.kind, v.from_status, v.to_status, v.level, v.department_name, v.note, v.actor_id,
  v.actor_name, v.at
from tickets t
left join departments d on d.id = t.department_id
left join users ad on lower(ad.username) = case when split_part(t.region_path, '/', 2) = '' then 'tb_city'
                                                else 'tb_admin_' || split_part(t.region_path, '/', 2) end
left join users uo on lower(uo.username) = 'tb_unit_' || t.department_id
cross join lateral (select
  (array['grid','street','district','city'])[array_position(array['grid','street','district','city'], t.level) - t.escalations] as start_level,
  t.requester_user_id is not null as submitted,
  t.due_at - t.created_at as lim
) x
cross join lateral (
  select * from (values
    (1, 'create', null, case when x.submitted then 'submitted' else 'accepted' end, x.start_level, null::text,
        case when x.submitted then '提交诉求，待受理' else '登记并受理' end, t.created_by, t.created_by_name, t.created_at,
        true),
    (2, 'accept', 'submitted', 'accepted', x.start_level, null, null, ad.id, coalesce(ad.display_name, '管理员'),
        t.created_at + x.lim * 0.02, x.submitted and t.status not in ('submitted', 'merged')),
    (3, 'dispatch', 'accepted', 'dispatched', x.start_level, d.name, '派遣至' || d.name, ad.id,
        coalesce(ad.display_name, '管理员'), t.dispatched_at, t.dispatched_at is not null),
    (4, 'start', 'dispatched', 'handling', x.start_level, d.name, null, uo.id, coalesce(uo.display_name, d.name),
        t.dispatched_at + (coalesce(t.replied_at, t.updated_at) - t.dispatched_at) * 0.2,
        t.status in ('handling', 'replied', 'closed')),
    (5, 'reply', 'handling', 'replied', t.level, d.name, t.reply, uo.id, coalesce(uo.display_name, d.name),
        t.replied_at, t.replied_at is not null),
    (6, 'rate', 'replied', 'replied', t.level, d.name,
        case t.rating when 'satisfied' then '满意' when 'basic' then '基本满意' else '不满意' end,
        t.requester_user_id, t.requester_name, t.rated_at, t.rated_at is not null),
    (7, 'close', 'replied', 'closed', t.level, d.name, case when t.closed_on_time then '按期办结' else '超期办结' end,
        ad.id, coalesce(ad.display_name, '管理员'), t.closed_at, t.status = 'closed'),
    (8, 'merge', null, 'merged', t.level, null, '重复工单，已合并', ad.id, coalesce(ad.display_name, '管理员'),
        t.closed_at, t.status = 'merged'),
    (9, 'remind', t.status, t.status, t.level, d.name, '即将到期', null, '系统', t.reminded_at,
        t.reminded_at is not null)
  ) v(seq, kind, from_status, to_status, level, department_name, note, actor_id, actor_name, at, keep)
  where v.keep
  union all
  select 10 + j, 'escalate', t.status, t.status,
    (array['grid','street','district','city'])[array_position(array['grid','street','district','city'], x.start_level) + j],
    null, '超期未办结，升级督办', null, '系统', t.created_at + x.lim * j, true
  from generate_series(1, t.escalations) j
) v
where t.id between $1 and $2
order by t.id, v.at, v.seq`;

export interface TicketDataSummary {
  tickets: number;
  events: number;
  coHandlers: number;
  enterprises: number;
  users: number;
  departments: number;
}

interface Region {
  code: string;
  name: string;
  parent_code: string | null;
  level: string;
}

/**
 * Departments, users, enterprises and projects, then `n` tickets at T0 with
 * their events and co-handlers. `hash` is the password hash every generated
 * user gets (a demo user's, so the demo password logs them in).
 */
export async function generateTicketData(
  client: pgTypes.Client,
  opts: {
    tickets: number;
    t0: Date;
    passwordHash: string;
    generateProjects: () => Promise<void>;
    /** wraps the bulk load of tickets, events and co-handlers (indexes, foreign-key checks) */
    bulk: (load: () => Promise<void>) => Promise<void>;
  },
): Promise<TicketDataSummary> {
  const q = <R extends pgTypes.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ) => client.query<R>(sql, params);
  const step = async <T>(label: string, run: () => Promise<T>) => {
    process.stdout.write(`  ${label} … `);
    const t0 = performance.now();
    const r = await run();
    console.log(secs(performance.now() - t0));
    return r;
  };
  const regions = (
    await q<Region>(
      `select code, name, parent_code, level from regions
       where official and level in ('district', 'street') order by code`,
    )
  ).rows;
  const districts = regions.filter((r) => r.level === 'district');
  const streets: Region[] = [];
  const streetStart: number[] = [];
  const streetCount: number[] = [];
  for (const d of districts) {
    const own = regions.filter((r) => r.level === 'street' && r.parent_code === d.code);
    streetStart.push(streets.length);
    streetCount.push(own.length);
    streets.push(...own);
  }
  const districtCodes = districts.map((d) => d.code);

  // departments: 20 of the city, 11 per district (the demo's stay)
  await step('departments', () =>
    q(
      `insert into departments (name, region_code)
       select '市' || w, '${CITY}' from unnest($1::text[]) w
       union all
       select d.name || w, d.code from regions d, unnest($2::text[]) w
       where d.code = any($3)
       on conflict (region_code, name) do nothing`,
      [cityDepartments, districtDepartments, districtCodes],
    ),
  );
  // users: the city admin, an admin per district, an officer per department,
  // 包联干部 per district, a grid worker per street
  await step('users', async () => {
    await q(
      `insert into users (username, display_name, role, region_code, department_id, password_hash, must_change_password)
       select 'tb_city', '市项目办 基准管理员', 'city_admin', '${CITY}', null::int, $1, false
       union all
       select 'tb_admin_' || code, name || '项目办 基准管理员', 'district_admin', code, null, $1, false
       from regions where code = any($2)
       union all
       select 'tb_unit_' || id, name || ' 承办人', 'unit_officer', region_code, id, $1, false from departments
       union all
       select 'tb_leader_' || r.code || '_' || k, r.name || ' 包联干部' || k, 'leader', r.code, null, $1, false
       from regions r, generate_series(1, $3::int) k where r.code = any($2)
       union all
       select 'tb_grid_' || code, name || ' 网格员', 'grid_worker', code, null, $1, false
       from regions where code = any($4)
       order by 1`,
      [opts.passwordHash, districtCodes, SHAPE.leadersPerDistrict, streets.map((s) => s.code)],
    );
  });
  const leaders = (
    await q<{ id: number; region_code: string }>(
      `select id, region_code from users where username like 'tb\\_leader\\_%' order by region_code, id`,
    )
  ).rows;
  const leaderStart = districtCodes.map((c) => leaders.findIndex((l) => l.region_code === c));
  // enterprises over skewed districts, half on a street, each with a 包联干部 of its district
  const firstEnterprise = await step(
    `${SHAPE.enterprises.toLocaleString('en')} enterprises`,
    async () => {
      const before = (await q<{ m: number }>(`select coalesce(max(id), 0) as m from enterprises`))
        .rows[0]!.m;
      await q(
        `insert into enterprises (credit_code, name, industry, region_code, size, address, contact_name, contact_phone, cadre_user_id)
       select '91410000' || lpad(g.i::text, 9, '0') || 'B',
         ($1::text[])[1 + x.h1 % cardinality($1::text[])] || ($2::text[])[1 + x.h2 % cardinality($2::text[])] || '有限公司（' || g.i || '）',
         ($3::text[])[1 + x.h3 % cardinality($3::text[])],
         case when x.h4 % 2 = 0 or ($7::int[])[x.di] = 0 then ($4::text[])[x.di] else ($5::text[])[($6::int[])[x.di] + 1 + (x.h4 / 2 % greatest(1, ($7::int[])[x.di]))::int] end,
         (array['large','medium','small','micro'])[1 + case when x.h5 % 100 < 5 then 0 when x.h5 % 100 < 20 then 1 when x.h5 % 100 < 60 then 2 else 3 end],
         '郑州市' || g.i || '号', ($8::text[])[1 + x.h6 % cardinality($8::text[])],
         '137' || lpad((x.h6 % 100000000)::text, 8, '0'),
         ($9::int[])[($10::int[])[x.di] + 1 + (x.h7 % $11::int)::int]
       from generate_series(1, $12::int) g(i)
       cross join lateral (select
         (hashint8extended(g.i * 8 + 1, $13) & 2147483647) as h1, (hashint8extended(g.i * 8 + 2, $13) & 2147483647) as h2,
         (hashint8extended(g.i * 8 + 3, $13) & 2147483647) as h3, (hashint8extended(g.i * 8 + 4, $13) & 2147483647) as h4,
         (hashint8extended(g.i * 8 + 5, $13) & 2147483647) as h5, (hashint8extended(g.i * 8 + 6, $13) & 2147483647) as h6,
         (hashint8extended(g.i * 8 + 7, $13) & 2147483647) as h7,
         least(16, 1 + floor(16 * power(((hashint8extended(g.i * 8, $13) & 2147483647) % 1000000) / 1000000.0, 1.6)))::int as di
       ) x
       order by g.i`,
        [
          namePrefixes,
          nameMids,
          industries,
          districtCodes,
          streets.map((s) => s.code),
          streetStart,
          streetCount,
          people,
          leaders.map((l) => l.id),
          leaderStart,
          SHAPE.leadersPerDistrict,
          SHAPE.enterprises,
          TICKET_SEED,
        ],
      );
      return before + 1;
    },
  );
  // an enterprise user (its 统一社会信用代码) for the first 10 000 of them
  await step('enterprise users', () =>
    q(
      `insert into users (username, display_name, role, region_code, password_hash, must_change_password, credit_code)
       select 'tb_ent_' || id, contact_name || '（企业联络员）', 'enterprise', region_code, $1, false, credit_code
       from enterprises where id >= $2 order by id limit $3`,
      [opts.passwordHash, firstEnterprise, SHAPE.enterpriseUsers],
    ),
  );
  await step(
    `${SHAPE.projects.toLocaleString('en')} projects (for 项目问题)`,
    opts.generateProjects,
  );

  // the lookups the ticket statement reads, as arrays
  const cats = (
    await q<{ id: number; source: string; limit_value: number; limit_unit: string }>(
      `select id, source, limit_value, limit_unit from ticket_categories
       order by array_position(array['enterprise','request','grid','project'], source), id`,
    )
  ).rows;
  const sources = ['enterprise', 'request', 'grid', 'project'];
  const catStart = sources.map((s) => cats.findIndex((c) => c.source === s));
  const catCount = sources.map((s) => cats.filter((c) => c.source === s).length);
  const titleStart = titles.map((_, i) => titles.slice(0, i).flat().length);
  const ents = (
    await q<{ id: number }>(`select id from enterprises where id >= $1 order by id`, [
      firstEnterprise,
    ])
  ).rows.map((r) => r.id);
  const projects = (await q<{ id: number }>(`select id from projects order by id`)).rows.map(
    (r) => r.id,
  );
  const users = new Map(
    (
      await q<{ username: string; id: number; display_name: string }>(
        `select username, id, display_name from users where username like 'tb\\_%'`,
      )
    ).rows.map((u) => [u.username, u]),
  );
  const user = (name: string) => {
    const u = users.get(name);
    if (!u) throw new Error(`generated user ${name} missing`);
    return u;
  };
  const grid = streets.map((s) => user(`tb_grid_${s.code}`));
  const admins = [user('tb_city'), ...districtCodes.map((c) => user(`tb_admin_${c}`))];
  const depts = (
    await q<{ id: number; region_code: string }>(
      `select id, region_code from departments order by region_code, id`,
    )
  ).rows;
  const groups = [CITY, ...districtCodes];
  const deptStart = groups.map((g) => depts.findIndex((d) => d.region_code === g));
  const deptCount = groups.map((g) => depts.filter((d) => d.region_code === g).length);
  if (deptCount.some((n) => n === 0)) throw new Error('a district without departments');
  const idBase = (await q<{ m: number }>(`select coalesce(max(id), 0) as m from tickets`)).rows[0]!
    .m;
  const hours = cats.map((c) => (c.limit_unit === 'hours' ? c.limit_value : (c.limit_value * 24 * 7) / 5)); // prettier-ignore

  const n = opts.tickets;
  let events = 0;
  let coHandlers = 0;
  await opts.bulk(async () => {
    console.log(
      `  ${n.toLocaleString('en')} tickets over the 365 days before ${opts.t0.toISOString()} (${districts.length} districts, ${streets.length} streets, ${depts.length} departments) …`,
    );
    // statistics on the freshly written rows the ticket statement joins
    await q('analyze regions, departments, users, enterprises, projects');
    const t0 = performance.now();
    for (let from = 1; from <= n; from += BATCH) {
      const to = Math.min(n, from + BATCH - 1);
      await q(ticketsSql, [
        from,
        to,
        TICKET_SEED,
        idBase,
        opts.t0,
        cats.map((c) => c.id),
        cats.map((c) => c.limit_value),
        cats.map((c) => c.limit_unit),
        replies,
        n,
        catStart,
        catCount,
        titles.flat(),
        titleStart,
        titles.map((t) => t.length),
        ents,
        projects,
        streets.map((s) => s.code),
        streetStart,
        streetCount,
        districtCodes,
        grid.map((u) => u.id),
        grid.map((u) => u.display_name),
        admins.map((u) => u.id),
        admins.map((u) => u.display_name),
        people,
        depts.map((d) => d.id),
        deptStart,
        deptCount,
        hours,
      ]);
      process.stdout.write(`\r    ${to.toLocaleString('en')} tickets, ${secs(performance.now() - t0)}`.padEnd(50)); // prettier-ignore
    }
    console.log('');
    await q(`select setval('tickets_id_seq', (select max(id) from tickets))`);

    await q('analyze tickets');
    const e0 = performance.now();
    for (let from = idBase + 1; from <= idBase + n; from += BATCH) {
      const to = Math.min(idBase + n, from + BATCH - 1);
      events += (await q(eventsSql, [from, to])).rowCount ?? 0;
      process.stdout.write(`\r    ${events.toLocaleString('en')} events (history), ${secs(performance.now() - e0)}`.padEnd(50)); // prettier-ignore
    }
    console.log('');
    coHandlers = await step('co-handling units (5 % of the dispatched tickets)', async () => {
      const r = await q(
        `insert into ticket_co_handlers (ticket_id, department_id)
       select id, co from (
         select t.id, (select d2.id from departments d2
                       where d2.region_code = d.region_code and d2.id <> d.id
                       order by hashint8extended(t.id::bigint * 1024 + d2.id, $2) limit 1) as co
         from tickets t join departments d on d.id = t.department_id
         where t.id > $1 and hashint8extended(t.id, $2) % 20 = 0
       ) x where co is not null`,
        [idBase, TICKET_SEED],
      );
      return r.rowCount ?? 0;
    });
  });
  const counts = (
    await q<{ u: number; e: number; d: number }>(
      `select (select count(*) from users)::int as u, (select count(*) from enterprises)::int as e,
              (select count(*) from departments)::int as d`,
    )
  ).rows[0]!;
  return {
    tickets: n,
    events,
    coHandlers,
    enterprises: counts.e,
    users: counts.u,
    departments: counts.d,
  };
}
