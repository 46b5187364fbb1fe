// Demo 月度调度 and 问题台账: every project under construction reports each
// month of 2026 so far (amounts within its annual plan, a few late, a few
// gaps), past months are closed, a few reports carry a photo, and 经开区 and
// 金水区 have open, overdue, closed and reopened problems. Deterministic,
// idempotent, one statement per table. Written like the other seeds.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { isLateSubmission, monthOf, type TicketStatus } from '@xiangmu/contracts';
import type { Db } from '../platform/database/db';
import { recordAudit } from '../modules/audit';
import { systemActor } from '../modules/access';

const YEAR = 2026;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const progressSteps = [
  '场地平整、临时设施搭建完成',
  '桩基施工完成{p}%',
  '基础承台及地梁浇筑',
  '主体结构施工至{n}层',
  '主体结构封顶',
  '二次结构砌筑、屋面防水施工',
  '机电安装完成{p}%',
  '主要生产设备进场安装',
  '设备单机调试',
  '室外管网、道路及绿化施工',
  '联动试车准备',
  '竣工验收准备',
];

const seasonal = [0.5, 0.6, 1, 1, 1.1, 1.1, 1, 0.9, 1.1, 1.1, 1.1, 1.2];

const mm = (m: number) => String(m).padStart(2, '0');

/** A small PNG (a sky-to-earth gradient): a stand-in for a site photo. */
export function demoPhoto(seed: number): Buffer {
  const [w, h] = [96, 64];
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const i = y * (w * 3 + 1) + 1 + x * 3;
      const ground = y > h * 0.6;
      raw[i] = ground ? 150 + ((x + seed * 7) % 40) : 120 + y;
      raw[i + 1] = ground ? 120 : 170 + y;
      raw[i + 2] = ground ? 80 : 230;
    }
  }
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const problemSeeds: Array<{ region: string; dept: string; title: string; description: string }> = [
  {
    region: '410171',
    dept: '经开区建设局',
    title: '施工用电增容审批滞后',
    description: '项目二期用电负荷增至8000kVA，增容方案待批复，影响设备调试节点。',
  },
  {
    region: '410171',
    dept: '经开区自然资源和规划局',
    title: '项目用地红线局部调整待批复',
    description: '东侧规划道路线位调整，涉及约12亩用地红线变更。',
  },
  {
    region: '410171',
    dept: '经开区生态环境分局',
    title: '环评批复附条件整改',
    description: '涂装车间VOCs治理设施须在投产前完成验收。',
  },
  {
    region: '410171',
    dept: '经开区建设局',
    title: '雨污管网接驳未完成',
    description: '市政管网接口标高与设计不符，需协调管网公司现场核定。',
  },
  {
    region: '410171',
    dept: '经开区建设局',
    title: '配套道路未贯通',
    description: '经南八路东段未贯通，大件设备运输受限。',
  },
  {
    region: '410171',
    dept: '经开区自然资源和规划局',
    title: '临时用地手续到期续办',
    description: '施工临时用地批准期限届满，需办理延续手续。',
  },
  {
    region: '410171',
    dept: '经开区生态环境分局',
    title: '扬尘治理不达标',
    description: '督查发现裸土未覆盖、车辆冲洗设施未正常使用。',
  },
  {
    region: '410105',
    dept: '金水区住房和城乡建设局',
    title: '拆迁安置进度滞后',
    description: '剩余3户未签订安置协议，影响项目北区开工。',
  },
];

/** Loads the demo reports and problems once (idempotent); needs the demo projects. */
export async function seedDemoReports(db: Db, now = new Date()): Promise<number> {
  if (await db.selectFrom('monthly_reports').select('id').limit(1).executeTakeFirst()) return 0;
  const projects = await db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select([
      'projects.id',
      'projects.name',
      'projects.region_code',
      'projects.annual_plan',
      'regions.name as region_name',
      'regions.path',
    ])
    .where('projects.stage', '=', 'building')
    .where('projects.plan_year', '=', YEAR)
    .orderBy('projects.id')
    .execute();
  if (projects.length === 0) return 0;
  const current = monthOf(now);
  if (current < `${YEAR}-01`) return 0;
  const lastMonth = current > `${YEAR}-12` ? 12 : Number(current.slice(5, 7));
  const random = rng(20260101);

  const reports: Array<{
    project_id: number;
    region_code: string;
    month: string;
    invested: string;
    progress: string;
    problems: string;
    late: boolean;
    source: 'form';
    reporter_id: null;
    reporter_name: string;
    submitted_at: Date;
    updated_at: Date;
  }> = [];
  projects.forEach((p, k) => {
    // this month is still being reported: about two in five have
    const months = Array.from({ length: lastMonth }, (_, i) => i + 1).filter(
      (m) => `${YEAR}-${mm(m)}` < current || k % 5 < 2,
    );
    // a few gaps: two projects miss last month, one misses June
    const skip = new Set<number>();
    if (k === 3 || k === 11) skip.add(current > `${YEAR}-12` ? 12 : lastMonth - 1);
    if (k === 25) skip.add(6);
    const plan = Math.round(Number(p.annual_plan) * 100); // hundredths of 万元
    const weights = months.map((m) => seasonal[m - 1]! * (0.8 + random() * 0.4));
    const share = (months.length / 12) * (0.7 + random() * 0.38);
    const total = Math.max(
      months.length,
      Math.min(Math.floor(plan * share), Math.floor(plan * 0.98)),
    );
    const wsum = weights.reduce((a, b) => a + b, 0);
    const parts = weights.map((w) => Math.max(1, Math.floor((w / wsum) * total)));
    // exact: the last month takes the rounding
    parts[parts.length - 1]! += total - parts.reduce((a, b) => a + b, 0);
    const district = p.region_name
      .replace(/^郑州/, '')
      .replace('经济技术开发区', '经开区')
      .replace('高新技术产业开发区', '高新区')
      .replace('航空港经济综合实验区', '航空港区');
    months.forEach((m, i) => {
      if (skip.has(m) || parts[i]! <= 0) return;
      const month = `${YEAR}-${mm(m)}`;
      const lateOne = random() < 0.06;
      const submitted =
        month === current
          ? new Date(now.getTime() - (2 + Math.floor(random() * 48)) * 3600_000)
          : lateOne
            ? new Date(
                Date.UTC(YEAR, m, 6 + Math.floor(random() * 4), 2 + Math.floor(random() * 8)),
              )
            : new Date(
                Date.UTC(YEAR, m - 1, 26, 2 + Math.floor(random() * 8)) +
                  Math.floor(random() * 8) * 86400_000,
              );
      const at = submitted > now ? new Date(now.getTime() - 3600_000) : submitted;
      const step = progressSteps[
        Math.min(progressSteps.length - 1, Math.floor((i * progressSteps.length) / 12) + (k % 3))
      ]!.replace('{p}', String(40 + Math.floor(random() * 55))).replace('{n}', String(3 + i));
      reports.push({
        project_id: p.id,
        region_code: p.region_code,
        month,
        invested: (parts[i]! / 100).toFixed(2),
        progress: step,
        problems: random() < 0.15 ? '施工用电、用水接入待协调' : '',
        late: isLateSubmission(month, at),
        source: 'form',
        reporter_id: null,
        reporter_name: `${district}项目办`,
        submitted_at: at,
        updated_at: at,
      });
    });
  });

  // last year, for 同比: two in three of these projects were already being
  // built, from a month between January and June; on time, months closed
  const earlier = rng(20250101); // its own sequence: this year's figures stay as they were
  const lastYear: typeof reports = [];
  projects.forEach((p, k) => {
    if (k % 3 === 0) return;
    const from = 1 + (k % 5);
    for (let m = from; m <= 12; m++) {
      const base = Math.round(((Number(p.annual_plan) * 100) / 14) * seasonal[m - 1]!);
      const cents = Math.max(100, Math.floor(base * (0.6 + earlier() * 0.35)));
      const at = new Date(Date.UTC(YEAR - 1, m, 2, 2 + Math.floor(earlier() * 8)));
      lastYear.push({
        project_id: p.id,
        region_code: p.region_code,
        month: `${YEAR - 1}-${mm(m)}`,
        invested: (cents / 100).toFixed(2),
        progress: m === from ? '开工建设' : '按计划推进',
        problems: '',
        late: false,
        source: 'form',
        reporter_id: null,
        reporter_name: '项目办',
        submitted_at: at,
        updated_at: at,
      });
    }
  });

  await db.transaction().execute(async (trx) => {
    if (lastYear.length) await trx.insertInto('monthly_reports').values(lastYear).execute();
    const inserted = await trx
      .insertInto('monthly_reports')
      .values(reports)
      .returning(['id', 'project_id', 'month'])
      .execute();

    // site photos on the latest reports of the first 经开区 projects
    const jingkai = projects.filter((p) => p.region_code === '410171').slice(0, 6);
    const latest = jingkai
      .map(
        (p) =>
          inserted
            .filter((r) => r.project_id === p.id)
            .sort((a, b) => (a.month < b.month ? 1 : -1))[0],
      )
      .filter((r) => r !== undefined);
    for (const [i, r] of latest.entries()) {
      const data = demoPhoto(i);
      const p = projects.find((x) => x.id === r.project_id)!;
      const photo = await trx
        .insertInto('attachments')
        .values({
          project_id: p.id,
          region_code: p.region_code,
          filename: `现场照片-${r.month}.png`,
          content_type: 'image/png',
          size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          data,
          uploaded_by: null,
          uploader_name: systemActor.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('monthly_report_photos')
        .values({ report_id: r.id, attachment_id: photo.id, position: 0 })
        .execute();
    }

    // months before last are closed for the city and every district
    const units = await trx
      .selectFrom('regions')
      .select('code')
      .where('level', 'in', ['city', 'district'])
      .execute();
    const closedMonths = Array.from({ length: lastMonth }, (_, i) => `${YEAR}-${mm(i + 1)}`).filter(
      (m) => m < current,
    );
    closedMonths.pop(); // last month is still open for late reports
    closedMonths.unshift(...Array.from({ length: 12 }, (_, i) => `${YEAR - 1}-${mm(i + 1)}`));
    if (closedMonths.length)
      await trx
        .insertInto('report_month_closures')
        .values(
          units.flatMap((u) =>
            closedMonths.map((month) => ({
              region_code: u.code,
              month,
              closed_by: `${systemActor.name}（演示数据）`,
            })),
          ),
        )
        .execute();

    // the problem ledger: project problems are tickets of source 'project' (ADR 0015)
    const departments = await trx.selectFrom('departments').select(['id', 'name']).execute();
    const all = await trx
      .selectFrom('projects')
      .innerJoin('regions', 'regions.code', 'projects.region_code')
      .select([
        'projects.id',
        'projects.region_code',
        'projects.stage',
        'regions.path',
        'regions.level',
      ])
      .where('projects.region_code', 'in', [...new Set(problemSeeds.map((s) => s.region))])
      .orderBy('projects.id')
      .execute();
    const category = await trx
      .selectFrom('ticket_categories')
      .selectAll()
      .where('source', '=', 'project')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    // the latest report of a project, to link the problem it raised
    const reportOf = new Map(inserted.map((r) => [r.project_id, r.id]));
    const day = (offset: number) =>
      new Date(now.getTime() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);
    const endOf = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 16 * 3600_000);
    const raiser = `${systemActor.name}（演示数据）`;
    let problems = 0;
    for (const [i, s] of problemSeeds.entries()) {
      const dept = departments.find((d) => d.name === s.dept);
      // projects under construction first, any stage if the region has none
      const inRegion = all.filter((p) => p.region_code === s.region);
      const building = inRegion.filter((p) => p.stage === 'building');
      const candidates = building.length ? building : inRegion;
      const p = candidates[(i * 3) % Math.max(1, candidates.length)];
      if (!dept || !p) continue;
      // 0, 4: 销号; 1: reopened and back with the unit; 3: 待销号 (the unit replied);
      // 2, 6: overdue; the rest in 整改 and in time
      const closed = i === 0 || i === 4;
      const replied = i === 3;
      const rectifyBy = i === 2 || i === 6 ? day(-5 - i) : closed ? day(-20) : day(10 + i * 3);
      const raisedAt = new Date(now.getTime() - (40 - i * 3) * 86400_000);
      const doneAt = new Date(raisedAt.getTime() + 12 * 86400_000);
      const evidence = closed
        ? '已协调办结，相关批复文件已归档'
        : replied
          ? '增容方案已报送，待供电公司现场勘查'
          : null;
      const dueAt = endOf(rectifyBy);
      const level = ['city', 'district', 'street'].includes(p.level) ? p.level : 'grid';
      const { id } = await trx
        .insertInto('tickets')
        .values({
          source: 'project',
          category_id: category.id,
          title: s.title,
          description: s.description,
          region_code: p.region_code,
          region_path: p.path,
          level: level as 'district',
          status: closed ? 'closed' : replied ? 'replied' : 'dispatched',
          enterprise_id: null,
          project_id: p.id,
          requester_user_id: null,
          requester_name: '',
          requester_phone: null,
          address: '',
          lng: null,
          lat: null,
          department_id: dept.id,
          created_by: null,
          created_by_name: raiser,
          open311_client_id: null,
          idempotency_scope: null,
          idempotency_key: null,
          limit_value: category.limit_value,
          limit_unit: category.limit_unit,
          due_at: dueAt,
          remind_at: new Date(dueAt.getTime() - 2 * 86400_000),
          reminded_at: dueAt < now ? now : null,
          next_escalation_at: closed
            ? null
            : new Date(Math.max(dueAt.getTime(), now.getTime() + 86400_000)),
          dispatched_at: raisedAt,
          reply: evidence,
          replied_at: evidence ? doneAt : null,
          rating: null,
          rating_comment: null,
          rated_at: null,
          closed_at: closed ? doneAt : null,
          closed_on_time: closed ? doneAt <= dueAt : null,
          resolved_level: closed ? (level as 'district') : null,
          merged_into_id: null,
          rectify_by: rectifyBy,
          report_id: i % 2 === 0 ? (reportOf.get(p.id) ?? null) : null,
          created_at: raisedAt,
          updated_at: closed ? doneAt : raisedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const events: Array<{
        kind: 'create' | 'dispatch' | 'start' | 'reply' | 'close' | 'reopen';
        from: TicketStatus | null;
        to: TicketStatus;
        note: string;
        by: string;
        at: Date;
      }> = [
        {
          kind: 'create',
          from: null,
          to: 'accepted',
          note: '提出项目问题',
          by: raiser,
          at: raisedAt,
        },
        {
          kind: 'dispatch',
          from: 'accepted',
          to: 'dispatched',
          note: `派遣至${s.dept}，整改期限${rectifyBy}`,
          by: raiser,
          at: raisedAt,
        },
      ];
      if (i === 1)
        events.push(
          {
            kind: 'start',
            from: 'dispatched',
            to: 'handling',
            note: '开始整改',
            by: s.dept,
            at: new Date(raisedAt.getTime() + 2 * 86400_000),
          },
          {
            kind: 'reply',
            from: 'handling',
            to: 'replied',
            note: '已上报审批',
            by: s.dept,
            at: new Date(raisedAt.getTime() + 7 * 86400_000),
          },
          {
            kind: 'reopen',
            from: 'replied',
            to: 'dispatched',
            note: '复查发现批复尚未下达，退回整改',
            by: raiser,
            at: new Date(raisedAt.getTime() + 9 * 86400_000),
          },
        );
      if (closed || replied)
        events.push(
          {
            kind: 'start',
            from: 'dispatched',
            to: 'handling',
            note: '开始整改',
            by: s.dept,
            at: new Date(raisedAt.getTime() + 3 * 86400_000),
          },
          {
            kind: 'reply',
            from: 'handling',
            to: 'replied',
            note: evidence!,
            by: s.dept,
            at: doneAt,
          },
        );
      if (closed)
        events.push({
          kind: 'close',
          from: 'replied',
          to: 'closed',
          note: '销号',
          by: raiser,
          at: doneAt,
        });
      await trx
        .insertInto('ticket_events')
        .values(
          events.map((e) => ({
            ticket_id: id,
            kind: e.kind,
            from_status: e.from,
            to_status: e.to,
            level: level as 'district',
            department_name: e.kind === 'create' ? null : s.dept,
            note: e.note,
            actor_id: null,
            actor_name: e.by,
            at: e.at,
          })),
        )
        .execute();
      problems++;
    }

    // the demo enterprise account reports for 一汽解放's base (its credit code)
    const faw = await trx
      .selectFrom('projects')
      .select('owner_credit_code')
      .where('name', '=', '一汽解放新能源商用车郑州基地')
      .executeTakeFirst();
    if (faw)
      await trx
        .updateTable('users')
        .set({ credit_code: faw.owner_credit_code, display_name: '一汽解放郑州基地 联络员' })
        .where('username', '=', 'jk_ent')
        .where('credit_code', 'is', null)
        .execute();

    await recordAudit(trx, systemActor, {
      action: 'system.demo_seeded',
      entityType: 'monthly_report',
      after: {
        reports: inserted.length,
        late: reports.filter((r) => r.late).length,
        photos: latest.length,
        closedMonths: closedMonths.length,
        problems,
      },
    });
  });
  return reports.length;
}
