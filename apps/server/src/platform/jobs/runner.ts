import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../database/db';

export interface JobDefinition {
  name: string;
  /** Chinese title shown to admins */
  title: string;
  /** run every N seconds; omit for on-demand jobs */
  intervalSeconds?: number;
  maxAttempts?: number;
  /** must be idempotent: a job may run again after a crash */
  handler: (ctx: { db: Db; payload: unknown; jobId: number }) => Promise<unknown>;
}

/** Jobs stuck in 'running' this long (a crashed worker) are queued again. */
const STALE_AFTER_SECONDS = 600;

/**
 * A small job queue in the application's own database (docs/adr/0002):
 * claim with FOR UPDATE SKIP LOCKED, run outside the transaction, record
 * the outcome. It works the same on PGlite and on a PostgreSQL server and
 * keeps a history that admins can read.
 */
export class JobRunner {
  private readonly defs = new Map<string, JobDefinition>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 5_000,
  ) {}

  register(def: JobDefinition): void {
    this.defs.set(def.name, def);
  }

  definitions(): JobDefinition[] {
    return [...this.defs.values()];
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  /** Creates the schedules of periodic jobs that do not have one yet. */
  async ensureSchedules(now = new Date()): Promise<void> {
    for (const d of this.defs.values()) {
      if (!d.intervalSeconds) continue;
      await this.db
        .insertInto('job_schedules')
        .values({ name: d.name, interval_seconds: d.intervalSeconds, next_run_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ interval_seconds: d.intervalSeconds! }))
        .execute();
    }
  }

  async enqueue(name: string, payload: unknown = {}, db: Db = this.db): Promise<number> {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    const row = await db
      .insertInto('jobs')
      .values({
        name,
        payload: JSON.stringify(payload),
        status: 'queued',
        run_at: new Date(),
        max_attempts: def.maxAttempts ?? 3,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Turns due schedules into queued jobs. One statement each: safe with several workers. */
  async enqueueDue(now = new Date()): Promise<number> {
    let n = 0;
    for (const d of this.defs.values()) {
      if (!d.intervalSeconds) continue;
      const claimed = await this.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('job_schedules')
          .set({ next_run_at: new Date(now.getTime() + d.intervalSeconds! * 1000) })
          .where('name', '=', d.name)
          .where('next_run_at', '<=', now)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        await this.enqueue(d.name, {}, trx);
        return true;
      });
      if (claimed) n++;
    }
    return n;
  }

  /** Claims and runs queued jobs until none is due. Returns how many ran. */
  async drain(): Promise<number> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'queued', run_at: new Date() })
      .where('status', '=', 'running')
      .where('started_at', '<', sql<Date>`now() - make_interval(secs => ${STALE_AFTER_SECONDS})`)
      .execute();
    let ran = 0;
    for (;;) {
      const job = await this.db
        .updateTable('jobs')
        .set({ status: 'running', started_at: new Date(), attempts: sql`attempts + 1` })
        .where(
          'id',
          '=',
          (eb) =>
            eb
              .selectFrom('jobs')
              .select('id')
              .where('status', '=', 'queued')
              .where('run_at', '<=', new Date())
              .orderBy('run_at')
              .limit(1)
              .forUpdate()
              .skipLocked() as never,
        )
        .returningAll()
        .executeTakeFirst();
      if (!job) return ran;
      ran++;
      await this.runOne(job);
    }
  }

  private async runOne(job: {
    id: number;
    name: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
  }) {
    const def = this.defs.get(job.name);
    try {
      if (!def) throw new Error(`没有名为 ${job.name} 的任务`);
      const result = await def.handler({ db: this.db, payload: job.payload, jobId: job.id });
      await this.db
        .updateTable('jobs')
        .set({
          status: 'succeeded',
          finished_at: new Date(),
          result: JSON.stringify(result ?? null),
          error: null,
        })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      const retry = job.attempts < job.max_attempts;
      this.log.error({ err, job: job.name, id: job.id, retry }, 'job failed');
      await this.db
        .updateTable('jobs')
        .set({
          status: retry ? 'queued' : 'failed',
          // back off: 30 s, 2 min, 8 min …
          run_at: new Date(Date.now() + 30_000 * 4 ** (job.attempts - 1)),
          finished_at: retry ? null : new Date(),
          error: String(err instanceof Error ? err.message : err).slice(0, 2000),
        })
        .where('id', '=', job.id)
        .execute();
    }
  }

  /** One pass: schedules, then the queue. Errors are logged, never thrown. */
  async tick(): Promise<void> {
    try {
      await this.enqueueDue();
      await this.drain();
    } catch (err) {
      this.log.error({ err }, 'job runner tick failed');
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick();
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
    };
    this.timer = setTimeout(loop, 100);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
