import type { JobRun } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import type { JobRunner } from '../../platform/jobs/runner';
import { recordAudit } from '../audit';
import { auditActorOf, type Actor } from '../access';
import { assertCan } from '../access';

export async function listJobDefinitions(db: Db, runner: JobRunner, actor: Actor) {
  assertCan(actor, 'job.manage');
  const schedules = await db.selectFrom('job_schedules').selectAll().execute();
  return runner.definitions().map((d) => {
    const s = schedules.find((x) => x.name === d.name);
    return {
      name: d.name,
      title: d.title,
      intervalSeconds: d.intervalSeconds ?? null,
      nextRunAt: s?.next_run_at.toISOString() ?? null,
    };
  });
}

export async function listJobRuns(
  db: Db,
  actor: Actor,
  q: { name?: string | undefined; page: number; pageSize: number },
): Promise<{ items: JobRun[]; total: number; page: number; pageSize: number }> {
  assertCan(actor, 'job.manage');
  let query = db.selectFrom('jobs');
  if (q.name) query = query.where('name', '=', q.name);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      attempts: r.attempts,
      runAt: r.run_at.toISOString(),
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      error: r.error,
      result: r.result,
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/** Queues a job now; the worker picks it up within its poll interval. */
export async function requestJobRun(
  db: Db,
  runner: JobRunner,
  actor: Actor,
  name: string,
): Promise<{ id: number }> {
  assertCan(actor, 'job.manage');
  if (!runner.has(name)) throw new DomainError('JOB_NOT_FOUND');
  return db.transaction().execute(async (trx) => {
    const id = await runner.enqueue(name, {}, trx);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'job.run_requested',
      entityType: 'job',
      entityId: id,
      after: { name },
    });
    return { id };
  });
}
