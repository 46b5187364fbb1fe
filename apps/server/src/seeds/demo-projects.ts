// Demo key projects. 郑州经开区's "三个一批" projects reproduce the newspaper's
// figures exactly (shared/DOMAIN.md, seed 004); the other regions get a few
// generated projects each so every screen has something to show.
// Written through the repository like the other seeds, audited as the system.
import { creditCodeCheckChar, type ProjectLevel, type ProjectStage } from '@xiangmu/contracts';
import { sql } from 'kysely';
import type { Db } from '../platform/database/db';
import { recordAudit } from '../modules/audit';
import { systemActor } from '../modules/access';
import { nameInitials } from '../modules/projects';
import { insertProject, insertStageEvent } from '../modules/projects/project.repository';

const JINGKAI = '410171';

interface Batch {
  stage: ProjectStage;
  tag: string;
  /** 亿元, in tenths: 315.1 亿 = 3151 */
  total: number;
  annual: number;
  /** the projects of 第七期 (2023) inside the batch, with their own total */
  seventh: { count: number; total: number };
  count: number;
  named: string[];
}

/** Since the campaign began: 52 projects, 604.4 亿, annual 211.5 亿 (seed 004). */
export const jingkaiBatches: Batch[] = [
  {
    stage: 'signed',
    tag: '签约一批',
    count: 17,
    total: 3151,
    annual: 1103,
    seventh: { count: 3, total: 850 },
    named: ['盒子智行科技新能源整车项目', '海尔压缩机项目', '东久(郑州)汽车配套产业园项目'],
  },
  {
    stage: 'building',
    tag: '开工一批',
    count: 20,
    total: 2046,
    annual: 716,
    seventh: { count: 6, total: 919 },
    named: ['一汽解放新能源商用车郑州基地', '中欧班列(郑州)智慧物流甩挂中心', '瞪羚产业园二期'],
  },
  {
    stage: 'operating',
    tag: '投产一批',
    count: 15,
    total: 847,
    annual: 296,
    seventh: { count: 7, total: 399 },
    named: ['安图生物体外诊断产业园', '科技创新园', '海尔生物医疗检测设备中部生产基地'],
  },
];

/** Deterministic pseudo-random numbers (mulberry32): the same demo every time. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `total` (integer units) into `n` positive parts that add up exactly. */
export function split(total: number, n: number, random: () => number): number[] {
  const weights = Array.from({ length: n }, () => 0.4 + random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.max(1, Math.floor((w / sum) * total)));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % n) {
    const step = rest > 0 ? 1 : -1;
    if (parts[i]! + step >= 1) {
      parts[i]! += step;
      rest -= step;
    }
  }
  return parts;
}

/** tenths of 亿元 → 万元 string: 1 tenth = 0.1 亿 = 1000 万 */
const tenthsToWan = (t: number) => String(t * 1000);

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function creditCode(random: () => number): string {
  let body = '91410100';
  while (body.length < 17) body += CHARSET[Math.floor(random() * CHARSET.length)];
  return body + creditCodeCheckChar(body);
}

const clusters = [
  '汽车',
  '装备制造',
  '新材料',
  '现代食品',
  '电子信息',
  '生物医药',
  '新一代信息技术',
  '现代服务业',
];
const kinds = ['产业园', '生产基地', '智能制造项目', '研发中心', '扩建项目', '物流园'];
const subjects = [
  '新能源',
  '智能装备',
  '精密零部件',
  '高端铝材',
  '冷链食品',
  '传感器',
  '锂电池',
  '数字经济',
  '医疗器械',
  '光电',
];

interface DemoProject {
  name: string;
  regionCode: string;
  stage: ProjectStage;
  level: ProjectLevel;
  cluster: string;
  totalWan: string;
  annualWan: string;
  tags: string[];
}

export function jingkaiProjects(): DemoProject[] {
  const random = rng(410171);
  const out: DemoProject[] = [];
  for (const b of jingkaiBatches) {
    const seventh = split(b.seventh.total, b.seventh.count, random);
    const earlier = split(b.total - b.seventh.total, b.count - b.seventh.count, random);
    const totals = [...seventh, ...earlier];
    // annual plan ≤ total for each project: split the annual sum in proportion
    const annual = totals.map((t) => Math.floor((t * b.annual) / b.total));
    let rest = b.annual - annual.reduce((a, c) => a + c, 0);
    for (let i = 0; rest > 0; i = (i + 1) % totals.length)
      if (annual[i]! < totals[i]!) {
        annual[i]! += 1;
        rest -= 1;
      }
    totals.forEach((t, i) => {
      const name =
        b.named[i] ??
        `经开区${subjects[Math.floor(random() * subjects.length)]}${kinds[Math.floor(random() * kinds.length)]}（${b.tag}${i + 1}）`;
      out.push({
        name,
        regionCode: JINGKAI,
        stage: b.stage,
        level: i % 5 === 0 ? 'province' : i % 2 === 0 ? 'city' : 'district',
        cluster: clusters[i % clusters.length]!,
        totalWan: tenthsToWan(t),
        annualWan: tenthsToWan(annual[i]!),
        tags: ['三个一批', b.tag, i < b.seventh.count ? '第七期' : '往期'],
      });
    });
  }
  return out;
}

const OTHER_REGIONS = [
  '410102',
  '410103',
  '410104',
  '410105',
  '410106',
  '410108',
  '410122',
  '410172',
  '410173',
  '410181',
  '410182',
  '410183',
  '410184',
  '410185',
  '410190',
];
const STAGES: ProjectStage[] = [
  'planned',
  'negotiating',
  'signed',
  'preparing',
  'building',
  'building',
  'completed',
  'operating',
];

/** 郑州高新技术产业开发区 → 高新区, as people say it */
const shortName = (region: string) =>
  region
    .replace(/^郑州/, '')
    .replace('经济技术开发区', '经开区')
    .replace('高新技术产业开发区', '高新区')
    .replace('航空港经济综合实验区', '航空港区');

function otherProjects(regionNames: Map<string, string>): DemoProject[] {
  const random = rng(410100);
  const out: DemoProject[] = [];
  for (const code of OTHER_REGIONS) {
    const region = regionNames.get(code);
    if (!region) continue;
    for (let i = 0; i < 8; i++) {
      const total = 5 + Math.floor(random() * 600); // tenths of 亿: 0.5 – 60.5 亿
      const subject = subjects[Math.floor(random() * subjects.length)]!;
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      out.push({
        name: `${shortName(region)}${subject}${kind}${i + 1}号`,
        regionCode: code,
        stage: STAGES[Math.floor(random() * STAGES.length)]!,
        level: (['province', 'city', 'district'] as const)[Math.floor(random() * 3)]!,
        cluster: clusters[Math.floor(random() * clusters.length)]!,
        totalWan: tenthsToWan(total),
        annualWan: tenthsToWan(Math.max(1, Math.floor(total * (0.2 + random() * 0.3)))),
        tags: [],
      });
    }
  }
  return out;
}

/** Loads the demo projects once (idempotent). */
/**
 * Approximate centres (WGS-84) of the county-level units, for the demo
 * projects' map points: the administrative ones from the district boundary
 * file (docs/data-sources.md), the functional zones by hand.
 */
const centres: Record<string, [number, number]> = {
  '410102': [113.613, 34.748],
  '410103': [113.64, 34.724],
  '410104': [113.678, 34.754],
  '410105': [113.661, 34.8],
  '410106': [113.309, 34.803],
  '410108': [113.617, 34.867],
  '410122': [113.976, 34.719],
  '410171': [113.73, 34.71],
  '410172': [113.55, 34.82],
  '410173': [113.84, 34.53],
  '410181': [113.022, 34.748],
  '410182': [113.383, 34.787],
  '410183': [113.391, 34.539],
  '410184': [113.741, 34.396],
  '410185': [113.051, 34.454],
  '410190': [113.74, 34.77],
};

export async function seedDemoProjects(db: Db): Promise<number> {
  const exists = await db.selectFrom('projects').select('id').limit(1).executeTakeFirst();
  if (exists) return 0;
  const regions = await db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('level', '=', 'district')
    .execute();
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const random = rng(2023);
  // its own sequence, so adding points changed none of the other demo values
  const scatter = rng(4101);
  const all = [...jingkaiProjects(), ...otherProjects(names)];
  await db.transaction().execute(async (trx) => {
    for (const p of all) {
      const startYear = p.stage === 'operating' ? 2022 : 2023;
      const month = 1 + Math.floor(random() * 12);
      const planned = `${startYear}-${String(month).padStart(2, '0')}-01`;
      const centre = centres[p.regionCode.slice(0, 6)];
      const point = centre
        ? {
            lng: Number((centre[0] + (scatter() - 0.5) * 0.06).toFixed(6)),
            lat: Number((centre[1] + (scatter() - 0.5) * 0.05).toFixed(6)),
          }
        : { lng: null, lat: null };
      const { id } = await insertProject(trx, {
        name: p.name,
        name_initials: nameInitials(p.name),
        owner_name: `${p.name.replace(/项目|（.*）|\d+号/g, '').slice(0, 12)}有限公司`,
        owner_credit_code: creditCode(random),
        region_code: p.regionCode,
        industry_cluster: p.cluster,
        industry_code: null,
        level: p.level,
        content: '',
        total_investment: p.totalWan,
        annual_plan: p.annualWan,
        plan_year: 2026,
        stage: p.stage,
        stage_changed_on: planned,
        planned_start: planned,
        planned_end: `${startYear + 2}-${String(month).padStart(2, '0')}-01`,
        actual_start: ['building', 'completed', 'operating'].includes(p.stage) ? planned : null,
        actual_end: ['completed', 'operating'].includes(p.stage) ? `${startYear + 1}-12-31` : null,
        leader_name: null,
        department_id: null,
        contact_name: null,
        contact_phone: null,
        ...point,
        tags: p.tags,
      });
      await insertStageEvent(trx, {
        project_id: id,
        region_code: p.regionCode,
        from_stage: null,
        to_stage: p.stage,
        occurred_on: planned,
        evidence: '演示数据入库',
        reason: null,
        actor_id: null,
        actor_name: systemActor.name,
      });
    }
    // 第七期 "三个一批" (2023) with its 16 projects in their batches
    const { id: campaignId } = await trx
      .insertInto('campaigns')
      .values({
        number: 7,
        name: '第7期"三个一批"',
        starts_on: '2023-01-01',
        ends_on: '2023-12-31',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const kindOf: Record<string, 'sign' | 'start' | 'produce'> = {
      签约一批: 'sign',
      开工一批: 'start',
      投产一批: 'produce',
    };
    const seventh = await trx
      .selectFrom('projects')
      .select(['id', 'region_code', 'tags'])
      .where(sql<boolean>`'第七期' = any(tags)`)
      .execute();
    for (const p of seventh) {
      const kind = p.tags.map((t) => kindOf[t]).find(Boolean)!;
      await trx
        .insertInto('campaign_entries')
        .values({ campaign_id: campaignId, project_id: p.id, region_code: p.region_code, kind })
        .execute();
    }
    await recordAudit(trx, systemActor, {
      action: 'system.demo_seeded',
      entityType: 'project',
      after: { projects: all.length, campaign: 7, entries: seventh.length },
    });
  });
  return all.length;
}
