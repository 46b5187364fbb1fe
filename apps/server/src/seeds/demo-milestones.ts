import type { Insertable } from 'kysely';
import type { MilestoneTable } from '../modules/milestones/milestone.table';
import { chinaToday } from '../platform/calendar/today';
import type { Db } from '../platform/database/db';
import { loadWorkCalendar } from '../modules/calendar';
import { defaultTemplates, rateAllMilestones, workBackwards } from '../modules/milestones';
import { rng } from './demo-projects';

const DAY_MS = 86_400_000;
const JINGKAI = '410171';

/**
 * Demo 节点: projects that are signed, preparing or building get the
 * standard chain worked back from a target some months ahead, so the
 * 作战图 and "my milestones" show a real mix: nodes behind us mostly done,
 * a few overdue (red), some due within days (yellow). About a third of
 * 经开区's projects belong to its leader (jk_leader). Idempotent.
 */
export async function seedDemoMilestones(db: Db): Promise<number> {
  if (await db.selectFrom('milestones').select('id').limit(1).executeTakeFirst()) return 0;
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'region_code', 'stage'])
    .where('stage', 'in', ['signed', 'preparing', 'building'])
    .orderBy('id')
    .execute();
  if (projects.length === 0) return 0;
  const leader = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('username', '=', 'jk_leader')
    .executeTakeFirst();
  const calendar = await loadWorkCalendar(db);
  const today = chinaToday();
  const random = rng(20261122);
  const steps = defaultTemplates[0]!.steps;
  const rows: Insertable<MilestoneTable>[] = [];
  for (const p of projects) {
    // building projects are further along: their target is nearer
    const ahead = p.stage === 'building' ? 30 + random() * 200 : 200 + random() * 250;
    const target = new Date(Date.parse(`${today}T00:00:00Z`) + Math.round(ahead) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const mine = leader && p.region_code === JINGKAI && random() < 0.35;
    const nodes = workBackwards(steps, target, calendar);
    nodes.forEach((n, i) => {
      const past = n.dueOn < today;
      const done = past && (p.stage === 'building' ? i <= 3 || random() < 0.8 : random() < 0.8);
      rows.push({
        project_id: p.id,
        region_code: p.region_code,
        seq: i + 1,
        name: n.name,
        owner_user_id: mine ? leader.id : null,
        owner_name: mine ? leader.display_name : ownerUnit(n.name),
        due_on: n.dueOn,
        target_on: target,
        offset_workdays: n.offset,
        done_on: done ? n.dueOn : null,
        evidence: done ? `${n.name}已按期完成（演示数据）` : null,
        status: done ? ('done' as const) : ('green' as const),
      });
    });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('milestones')
        .values(rows.slice(i, i + 500))
        .execute();
    await rateAllMilestones(trx, today);
  });
  return rows.length;
}

function ownerUnit(node: string): string {
  if (node.includes('土地')) return '区自然资源局';
  if (node.includes('规划')) return '区规划分局';
  if (node.includes('施工') || node.includes('封顶') || node.includes('竣工')) return '区住建局';
  return '区发改委';
}
