import type { Insertable } from 'kysely';
import type { TicketLevel, TicketRating, TicketSource, TicketStatus } from '@xiangmu/contracts';
import type { Db } from '../platform/database/db';
import { recordAudit } from '../modules/audit/audit.service';
import { systemActor } from '../modules/access';
import { loadWorkCalendar } from '../modules/calendar';
import type { TicketEventTable } from '../modules/tickets/ticket.table';
import { dueAt, levelAbove, remindAt } from '../modules/tickets/ticket.rules';
import { insertDepartment } from '../modules/users/department.repository';
import { rng } from './demo-projects';

const HOUR = 3_600_000;
const JINGKAI = '410171';
const JINSHUI = '410105';
const CHAOHE = '410171561';

interface Scenario {
  source: TicketSource;
  category: string;
  title: string;
  description: string;
  unit: string;
}

// what the seeds describe: enterprises' 诉求 on land, power, finance,
// permits and staff; the hall's 帮办代办; grid events; project problems
const scenarios: Scenario[] = [
  {
    source: 'enterprise',
    category: '用电用能',
    title: '二期厂房双回路供电接入',
    description: '二期厂房计划下月投产，需尽快完成双回路供电接入。',
    unit: '国网郑州经开区供电服务中心',
  },
  {
    source: 'enterprise',
    category: '用地保障',
    title: '扩建用地指标',
    description: '扩建项目需新增工业用地约50亩，请协调用地指标。',
    unit: '经开区自然资源和规划局',
  },
  {
    source: 'enterprise',
    category: '融资需求',
    title: '技改项目流动资金贷款',
    description: '技改项目资金缺口约3000万元，希望对接银行授信。',
    unit: '经开区发展改革和统计局',
  },
  {
    source: 'enterprise',
    category: '审批手续',
    title: '施工许可并联审批',
    description: '厂房施工图已审查完毕，申请并联办理施工许可。',
    unit: '经开区建设局',
  },
  {
    source: 'enterprise',
    category: '用工招聘',
    title: '技术工人招聘',
    description: '新产线需招聘焊工、电工等技术工人约80名。',
    unit: '经开区人力资源和社会保障局',
  },
  {
    source: 'request',
    category: '帮办代办',
    title: '企业开办帮办代办',
    description: '新设立企业申请营业执照、刻章、税务登记一次办结。',
    unit: '经开区建设局',
  },
  {
    source: 'request',
    category: '政策咨询',
    title: '研发费用加计扣除政策咨询',
    description: '咨询研发费用加计扣除的申报条件和材料。',
    unit: '经开区发展改革和统计局',
  },
  {
    source: 'request',
    category: '投诉建议',
    title: '夜间施工噪音扰民',
    description: '第九大街工地夜间施工噪音大，影响居民休息。',
    unit: '经开区生态环境分局',
  },
  {
    source: 'grid',
    category: '占道经营',
    title: '第三大街早市占道经营',
    description: '早市摊贩占用人行道，行人只能走机动车道。',
    unit: '经开区城市管理局',
  },
  {
    source: 'grid',
    category: '乱停乱放',
    title: '小区门口共享单车乱停',
    description: '小区南门共享单车堆放，堵塞消防通道。',
    unit: '经开区城市管理局',
  },
  {
    source: 'grid',
    category: '高空抛物',
    title: '楼上抛扔垃圾',
    description: '3号楼多次有人从高层抛扔垃圾袋。',
    unit: '经开区城市管理局',
  },
  {
    source: 'grid',
    category: '火情隐患',
    title: '楼道电动车充电',
    description: '5号楼楼道内私拉电线给电动车充电。',
    unit: '经开区城市管理局',
  },
  {
    source: 'project',
    category: '环评审批',
    title: '项目环评批复',
    description: '项目环评报告已报送，需加快审查批复。',
    unit: '经开区生态环境分局',
  },
  {
    source: 'project',
    category: '项目推进问题',
    title: '施工临时用电',
    description: '项目施工临时用电容量不足，影响主体施工进度。',
    unit: '国网郑州经开区供电服务中心',
  },
];

const extraUnits = [
  '经开区城市管理局',
  '国网郑州经开区供电服务中心',
  '经开区发展改革和统计局',
  '经开区人力资源和社会保障局',
];

const replies = [
  '已现场对接，按计划办理完毕。',
  '已协调相关单位，问题已解决。',
  '已联系诉求人说明情况并办理。',
];

/**
 * Demo 工单: an enterprise registry from the demo projects' owners (经开区's
 * with 包联干部 jk_leader), and about 150 tickets over the last two months
 * through every step of the loop — most closed and rated, some being
 * handled, a few overdue and escalated, a few waiting for 受理. Idempotent.
 */
export async function seedDemoTickets(db: Db, now = new Date()): Promise<number> {
  // the problem ledger's project tickets come with the reports (demo-reports.ts)
  if (
    await db
      .selectFrom('tickets')
      .select('id')
      .where('source', '<>', 'project')
      .limit(1)
      .executeTakeFirst()
  )
    return 0;
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name']).execute();
  const user = (name: string) => users.find((u) => u.username === name);
  const admin = user('jk_admin');
  if (!admin) return 0;
  const calendar = await loadWorkCalendar(db);
  const random = rng(20261201);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;

  return db.transaction().execute(async (trx) => {
    const units = new Map(
      (await trx.selectFrom('departments').select(['id', 'name']).execute()).map((d) => [
        d.name,
        d.id,
      ]),
    );
    for (const name of extraUnits)
      if (!units.has(name))
        units.set(name, (await insertDepartment(trx, { name, region_code: JINGKAI })).id);

    // the registry: every demo project owner once
    const owners = await trx
      .selectFrom('projects')
      .select(['owner_name', 'owner_credit_code', 'region_code', 'industry_cluster', 'id', 'name'])
      .where('region_code', 'in', [JINGKAI, JINSHUI])
      .orderBy('id')
      .execute();
    const seen = new Set<string>();
    const leader = user('jk_leader');
    const enterprises: { id: number; region: string; projectId: number; projectName: string }[] =
      [];
    for (const o of owners) {
      if (o.owner_credit_code === null || seen.has(o.owner_credit_code)) continue;
      seen.add(o.owner_credit_code);
      const { id } = await trx
        .insertInto('enterprises')
        .values({
          credit_code: o.owner_credit_code,
          name: o.owner_name,
          industry: o.industry_cluster,
          region_code: o.region_code,
          size: pick(['large', 'medium', 'medium', 'small']),
          address: '',
          contact_name: '',
          contact_phone: '',
          cadre_user_id: o.region_code === JINGKAI && leader && random() < 0.5 ? leader.id : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      enterprises.push({ id, region: o.region_code, projectId: o.id, projectName: o.name });
    }
    const jkEnterprises = enterprises.filter((e) => e.region === JINGKAI);
    // the demo enterprise account's company gets some demands of its own
    const entUser = await trx
      .selectFrom('users')
      .select(['id', 'credit_code'])
      .where('username', '=', 'jk_ent')
      .executeTakeFirst();
    const own = entUser?.credit_code
      ? await trx
          .selectFrom('enterprises')
          .select('id')
          .where('credit_code', '=', entUser.credit_code)
          .executeTakeFirst()
      : undefined;

    const categories = new Map(
      (
        await trx
          .selectFrom('ticket_categories')
          .select(['id', 'name', 'limit_value', 'limit_unit'])
          .execute()
      ).map((c) => [c.name, c]),
    );
    const grid = user('jk_grid');
    const streets = await trx
      .selectFrom('regions')
      .select(['code', 'path', 'level'])
      .where('path', 'like', `%/${CHAOHE}/%`)
      .where('level', '=', 'grid3')
      .limit(10)
      .execute();
    const chaohe = await trx
      .selectFrom('regions')
      .select(['code', 'path', 'level'])
      .where('code', '=', CHAOHE)
      .executeTakeFirst();
    const jingkai = (await trx
      .selectFrom('regions')
      .select(['code', 'path', 'level'])
      .where('code', '=', JINGKAI)
      .executeTakeFirst())!;

    const events: Insertable<TicketEventTable>[] = [];
    let count = 0;
    const total = 150;
    for (let i = 0; i < total; i++) {
      const s = scenarios[i % scenarios.length]!;
      const cat = categories.get(s.category)!;
      const limit = { value: cat.limit_value, unit: cat.limit_unit };
      const ageHours = i < 12 ? random() * 6 : 6 + random() * 24 * 60;
      const created = new Date(now.getTime() - ageHours * HOUR);
      const due = dueAt(created, limit, calendar);
      const region =
        s.source === 'grid' ? (streets.length > 0 ? pick(streets) : (chaohe ?? jingkai)) : jingkai;
      let level: TicketLevel =
        region.level === 'district' ? 'district' : region.level === 'street' ? 'street' : 'grid';
      const enterprise =
        s.source === 'enterprise'
          ? own && i % 4 === 0
            ? { id: own.id }
            : pick(jkEnterprises)
          : undefined;
      const project = s.source === 'project' ? pick(jkEnterprises) : undefined;
      const requesterIsUser = s.source === 'grid' ? grid : undefined;

      // the fate of this ticket: the newest wait or are under way; older ones mostly closed
      const r = random();
      const staffEntered = s.source !== 'grid';
      const openFates: TicketStatus[] = ['submitted', 'accepted', 'dispatched', 'handling'];
      let fate: TicketStatus =
        i < 24
          ? openFates[i % 4]!
          : i === 28
            ? 'replied'
            : r < 0.08
              ? 'handling'
              : r < 0.14
                ? 'replied'
                : 'closed';
      if (fate === 'submitted' && staffEntered) fate = 'accepted';
      const unitId = units.get(s.unit) ?? units.get('经开区建设局')!;
      // steps of open tickets fall between their creation and now
      const limitSpan = Math.max(HOUR, due.getTime() - created.getTime());
      const span =
        fate === 'closed' || fate === 'replied'
          ? limitSpan
          : Math.min(limitSpan, now.getTime() - created.getTime());
      // closed ones: mostly within the limit, some late
      const late = random() < 0.18;
      const replyAt = new Date(
        Math.max(
          created.getTime() + 600_000,
          Math.min(
            now.getTime() - 6 * HOUR,
            created.getTime() + span * (late ? 1.1 + random() * 0.5 : 0.2 + random() * 0.7),
          ),
        ),
      );
      const at = (f: number) => new Date(created.getTime() + span * f);
      const steps: [TicketEventTable['kind'], Date, TicketStatus, string | null][] = [];
      const order: TicketStatus[] = [
        'submitted',
        'accepted',
        'dispatched',
        'handling',
        'replied',
        'closed',
      ];
      const reach = order.indexOf(fate);
      if (!staffEntered && reach >= 1) steps.push(['accept', at(0.05), 'accepted', null]);
      if (reach >= 2) steps.push(['dispatch', at(0.1), 'dispatched', `派遣至${s.unit}`]);
      if (reach >= 3) steps.push(['start', at(0.15), 'handling', null]);
      let rating: TicketRating | null = null;
      if (reach >= 4) {
        steps.push(['reply', replyAt, 'replied', pick(replies)]);
        rating =
          fate === 'closed'
            ? pick<TicketRating>(['satisfied', 'satisfied', 'satisfied', 'basic', 'unsatisfied'])
            : null;
        if (rating === 'unsatisfied') {
          steps.push([
            'rate',
            new Date(replyAt.getTime() + HOUR),
            'handling',
            '不满意（退回承办单位重新办理）',
          ]);
          steps.push([
            'reply',
            new Date(replyAt.getTime() + 3 * HOUR),
            'replied',
            '已重新办理并回访。',
          ]);
          rating = 'basic';
        }
        if (rating)
          steps.push([
            'rate',
            new Date(replyAt.getTime() + 4 * HOUR),
            'replied',
            rating === 'satisfied' ? '满意' : '基本满意',
          ]);
      }
      let lastReply = steps.filter((x) => x[0] === 'reply').at(-1)?.[1] ?? null;
      let closedAt: Date | null = null;
      if (fate === 'closed') {
        steps.push([
          'close',
          new Date((lastReply ?? at(0.5)).getTime() + 5 * HOUR),
          'closed',
          null,
        ]);
      }
      // open tickets past due have been escalated once by the job
      let escalations = 0;
      let next: Date | null = due;
      if (fate !== 'closed' && due < now && levelAbove(level)) {
        const up = levelAbove(level)!;
        steps.push(['escalate', due, fate, `超期未办结，升级至上一级督办`]);
        level = up;
        escalations = 1;
        next = up === 'city' ? null : dueAt(due, limit, calendar);
        if (next && next < now) next = new Date(now.getTime() + HOUR);
      }
      // the steps in their order, at times that never go back nor pass now
      let last = created;
      for (const st of steps) {
        st[1] = new Date(
          Math.min(now.getTime() - 60_000, Math.max(st[1].getTime(), last.getTime())),
        );
        last = st[1];
      }
      if (fate === 'closed') closedAt = steps.at(-1)![1];
      lastReply = steps.filter((x) => x[0] === 'reply').at(-1)?.[1] ?? null;
      const { id } = await trx
        .insertInto('tickets')
        .values({
          source: s.source,
          category_id: cat.id,
          title: project ? `${project.projectName}：${s.title}` : s.title,
          description: s.description,
          region_code: region.code,
          region_path: region.path,
          level,
          status: fate,
          enterprise_id: enterprise?.id ?? null,
          project_id: project?.projectId ?? null,
          requester_user_id: requesterIsUser
            ? null
            : enterprise && own && enterprise.id === own.id
              ? (entUser?.id ?? null)
              : null,
          requester_name:
            s.source === 'request'
              ? pick(['张先生', '王女士', '李先生'])
              : s.source === 'grid'
                ? (grid?.display_name ?? '网格员')
                : '',
          requester_phone: s.source === 'request' ? '13700000000' : null,
          address: s.source === 'grid' ? '潮河街道' : '',
          lng: s.source === 'grid' ? 113.72 + random() * 0.03 : null,
          lat: s.source === 'grid' ? 34.7 + random() * 0.03 : null,
          department_id: reach >= 2 ? unitId : null,
          created_by: s.source === 'grid' ? (grid?.id ?? admin.id) : admin.id,
          created_by_name:
            s.source === 'grid' ? (grid?.display_name ?? '网格员') : admin.display_name,
          open311_client_id: null,
          idempotency_scope: null,
          idempotency_key: null,
          limit_value: limit.value,
          limit_unit: limit.unit,
          due_at: due,
          remind_at: remindAt(created, due),
          reminded_at: remindAt(created, due) < now ? remindAt(created, due) : null,
          next_escalation_at: closedAt ? null : next,
          escalations,
          dispatched_at: reach >= 2 ? at(0.1) : null,
          reply: lastReply ? pick(replies) : null,
          replied_at: lastReply,
          rating,
          rating_comment: null,
          rated_at: rating && lastReply ? new Date(lastReply.getTime() + 4 * HOUR) : null,
          closed_at: closedAt,
          closed_on_time: closedAt ? (lastReply ?? closedAt) <= due : null,
          resolved_level: closedAt ? level : null,
          merged_into_id: null,
          created_at: created,
          updated_at: closedAt ?? created,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      events.push({
        ticket_id: id,
        kind: 'create',
        from_status: null,
        to_status: staffEntered ? 'accepted' : 'submitted',
        level,
        department_name: null,
        note: staffEntered ? '登记并受理' : '提交诉求，待受理',
        actor_id: null,
        actor_name: `${systemActor.name}（演示数据）`,
        at: created,
      });
      let from: TicketStatus = staffEntered ? 'accepted' : 'submitted';
      for (const [kind, when, to, note] of steps) {
        events.push({
          ticket_id: id,
          kind,
          from_status: from,
          to_status: to,
          level,
          department_name: reach >= 2 ? s.unit : null,
          note,
          actor_id: null,
          actor_name: `${systemActor.name}（演示数据）`,
          at: when,
        });
        from = to;
      }
      count++;
    }
    for (let i = 0; i < events.length; i += 500)
      await trx
        .insertInto('ticket_events')
        .values(events.slice(i, i + 500))
        .execute();
    await recordAudit(trx, systemActor, {
      action: 'system.demo_seeded',
      entityType: 'ticket',
      after: { enterprises: enterprises.length, tickets: count },
    });
    return count;
  });
}
