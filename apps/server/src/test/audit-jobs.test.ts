import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActionLabels, auditEntityLabels } from '@xiangmu/contracts';
import { jobDefinitions } from '../job-registry';
import { castSession, createCast, createTestContext, OWN, type TestContext } from './harness';
import { createWorld, routeSpecs, type World } from './route-specs';

// Every job that changes objects writes one audit row per object it changed
// (issue 14.3): each job of the registry is run against a world where it has
// work, and the objects it changed are looked up in the audit log.

let ctx: TestContext;
let w: World;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorld(ctx, await createCast(ctx));
}, 180_000);
afterAll(() => ctx?.close());

const run = (name: string) =>
  jobDefinitions.find((j) => j.name === name)!.handler({ db: ctx.db, payload: {}, jobId: 0 });

const auditOf = (action: string, entityType: string, ids: number[]) =>
  ctx.db
    .selectFrom('audit_log')
    .select(['entity_id', 'before', 'after', 'actor_name'])
    .where('action', '=', action)
    .where('entity_type', '=', entityType)
    .where('entity_id', 'in', ids.map(String))
    .orderBy('entity_id')
    .execute();

async function newTicket(): Promise<number> {
  const caller = await castSession(ctx, w.cast, 'city_admin', 'own');
  const { url, body } = await routeSpecs['POST /api/tickets']!.build(w, caller);
  const res = await ctx.request('POST', url, { as: caller, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id;
}

/** Jobs that change objects, each with work arranged and the objects it should change. */
const perObject: Record<string, () => Promise<void>> = {
  'milestones.rate': async () => {
    const { id } = await ctx.db
      .insertInto('milestones')
      .values({
        project_id: w.targetProjectId,
        region_code: OWN,
        seq: 99,
        name: '审计测试节点',
        owner_user_id: null,
        owner_name: '测试',
        due_on: '2020-01-02',
        target_on: null,
        offset_workdays: null,
        done_on: null,
        evidence: null,
        status: 'green',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await run('milestones.rate');
    expect(await auditOf('milestone.rated', 'milestone', [id])).toEqual([
      expect.objectContaining({
        entity_id: String(id),
        before: { status: 'green' },
        after: expect.objectContaining({ status: 'red' }),
        actor_name: '系统',
      }),
    ]);
  },
  'tickets.deadlines': async () => {
    const [remind1, remind2, escalate] = [await newTicket(), await newTicket(), await newTicket()];
    await sql`update tickets set remind_at = now() - interval '1 minute', reminded_at = null
              where id in (${remind1}, ${remind2})`.execute(ctx.db);
    const { level } = await ctx.db
      .selectFrom('tickets')
      .select('level')
      .where('id', '=', escalate)
      .executeTakeFirstOrThrow();
    expect(level).not.toBe('city');
    await sql`update tickets set next_escalation_at = now() - interval '1 minute'
              where id = ${escalate}`.execute(ctx.db);
    await run('tickets.deadlines');
    const reminded = await auditOf('ticket.reminded', 'ticket', [remind1, remind2]);
    expect(reminded.map((r) => r.entity_id)).toEqual([String(remind1), String(remind2)].sort());
    expect(reminded.every((r) => r.before !== null && r.after !== null)).toBe(true);
    expect(await auditOf('ticket.escalated', 'ticket', [escalate])).toEqual([
      expect.objectContaining({ before: { level }, after: { level: expect.any(String) } }),
    ]);
  },
};

/**
 * Jobs that only remove expired technical rows or add one row of their own,
 * each with its one audit row, and why that is enough.
 */
const summaryOnly: Record<string, string> = {
  'sessions.purge': 'removes expired sessions and stale login blocks: nothing anyone edits',
  'attachments.purge': 'removes files no record refers to any more',
  'dashboard.snapshot': 'writes one snapshot per month, audited with the month as its id',
  'imports.settle': 'audits each import it settles (import.jobs.test.ts)',
};

describe('every job audits each object it changes', () => {
  it('knows every job of the registry', () => {
    for (const j of jobDefinitions)
      expect(j.name in perObject || j.name in summaryOnly, j.name).toBe(true);
  });

  it.each(Object.keys(perObject))('%s', async (name) => {
    expect(jobDefinitions.map((j) => j.name)).toContain(name);
    await perObject[name]!();
  });

  // the 审计日志 shows every row in Chinese (issue 15.2)
  it('leaves no action or object type without a Chinese label', async () => {
    for (const name of Object.keys(summaryOnly)) await run(name);
    const rows = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type'])
      .distinct()
      .execute();
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      expect(auditActionLabels[r.action], r.action).toBeDefined();
      expect(auditEntityLabels[r.entity_type], r.entity_type).toBeDefined();
    }
  });
});
