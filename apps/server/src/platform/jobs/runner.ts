import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { inBackground } from '../database/background';
import type { Db } from '../database/db';

export interface JobDefinition {
  name: string;
  /** Chinese title shown to admins */
  title: string;
  /** run every N seconds; omit for on-demand jobs */
  intervalSeconds?: number;
  /** also due at every start of a worker (a pass that settles what a crash left) */
  runAtStart?: boolean;
  maxAttempts?: number;
  /**
   * must be idempotent: a job may run again after a crash. Work in short
   * transactions and `await breathe()` between them: on PGlite the job
   * shares the API's one connection and its event loop (issue 14.5).
   */
  handler: (ctx: { db: Db; payload: unknown; jobId: number }) => Promise<unknown>;
}

/** How a runner shows it is alive while it runs a job. */
export interface Liveness {
  /** how often the owner stamps heartbeat_at */
  heartbeatMs: number;
  /** a running job whose heartbeat is older than this is taken as dead */
  deadAfterMs: number;
}

/** A few missed beats, not one slow query, make a worker dead. */
export const defaultLiveness: Liveness = { heartbeatMs: 5_000, deadAfterMs: 30_000 };

/**
 * Lets the event loop serve others (I/O, timers, waiting queries) before
 * the next batch: between two batches of a job, so that on PGlite other
 * requests get the one connection in turn instead of after the whole job.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sizes a job's batches so that each takes about `targetMs`: many rows on
 * PostgreSQL, few on PGlite, where a batch blocks every other request for
 * as long as it runs.
 */
export class BatchSizer {
  private n: number;
  constructor(
    private readonly opts: { targetMs: number; min: number; max: number; start?: number } = {
      targetMs: 100,
      min: 20,
      max: 500,
    },
  ) {
    this.n = opts.start ?? opts.min * 2;
  }

  get size(): number {
    return this.n;
  }

  /** Times one batch of `size` rows and sets the next size. */
  async time<T>(work: (size: number) => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const res = await work(this.n);
    const ms = Math.max(1, performance.now() - t0);
    // shrink at once when too slow, grow by half at most: one spike costs little
    const next = Math.round(this.n * Math.min(1.5, this.opts.targetMs / ms));
    this.n = Math.max(this.opts.min, Math.min(this.opts.max, next));
    return res;
  }
}

/**
 * A small job queue in the application's own database (docs/adr/0002):
 * claim with FOR UPDATE SKIP LOCKED, run outside the transaction, record
 * the outcome. It works the same on PGlite and on a PostgreSQL server and
 * keeps a history that admins can read. While a job runs its owner stamps
 * a heartbeat; a run without one for `deadAfterMs` lost its worker (killed,
 * crashed) and is queued again, or failed once it used all its attempts.
 */
export class JobRunner {
  private readonly defs = new Map<string, JobDefinition>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** this runner's name in jobs.owner: host, pid and a tag (a restart is another owner) */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 5_000,
    private readonly liveness: Liveness = defaultLiveness,
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

  /**
   * Creates the schedules of periodic jobs that do not have one yet; those
   * marked runAtStart become due now.
   */
  async ensureSchedules(now = new Date()): Promise<void> {
    for (const d of this.defs.values()) {
      if (!d.intervalSeconds) continue;
      await this.db
        .insertInto('job_schedules')
        .values({ name: d.name, interval_seconds: d.intervalSeconds, next_run_at: now })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            interval_seconds: d.intervalSeconds!,
            ...(d.runAtStart ? { next_run_at: now } : {}),
          }),
        )
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
        run_at: sql<Date>`now()`,
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

  /**
   * Runs whose owner stopped beating: queued again (attempts left) or
   * failed, with the reason for the admin. Times are the database's, so
   * workers on several machines agree. Returns how many were taken over.
   */
  async reclaimDead(): Promise<number> {
    const secs = Math.round(this.liveness.deadAfterMs / 1000);
    const exhausted = sql<boolean>`attempts >= max_attempts`;
    const rows = await this.db
      .updateTable('jobs')
      .set({
        status: sql`case when ${exhausted} then 'failed' else 'queued' end`,
        run_at: sql`now()`,
        finished_at: sql`case when ${exhausted} then now() end`,
        owner: null,
        error: sql<string>`'执行任务的进程已中断（' || ${secs}::int || ' 秒无心跳）' ||
          case when ${exhausted} then '，已达最多尝试次数' else '，已重新排队' end`,
      })
      .where('status', '=', 'running')
      .where(
        sql<boolean>`coalesce(heartbeat_at, started_at) < now() - make_interval(secs => ${secs})`,
      )
      .returning(['id', 'name', 'status'])
      .execute();
    for (const r of rows)
      this.log.warn({ job: r.name, id: r.id, status: r.status }, 'job owner dead');
    return rows.length;
  }

  /** Claims and runs queued jobs until none is due. Returns how many ran. */
  async drain(): Promise<number> {
    await this.reclaimDead();
    let ran = 0;
    for (;;) {
      const job = await this.db
        .updateTable('jobs')
        .set({
          status: 'running',
          started_at: new Date(),
          heartbeat_at: sql`now()`,
          owner: this.owner,
          attempts: sql`attempts + 1`,
        })
        .where(
          'id',
          '=',
          (eb) =>
            eb
              .selectFrom('jobs')
              .select('id')
              .where('status', '=', 'queued')
              // the database's clock, as reclaimDead's: a run queued again in
              // the same millisecond is due (now() has microseconds, a Date not)
              .where('run_at', '<=', sql<Date>`now()`)
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
      // a run of short jobs must not hold the event loop either
      await breathe();
    }
  }

  /** Stamps the job's heartbeat every heartbeatMs until the returned stop is called. */
  private beat(id: number): () => void {
    let pending = false;
    const timer = setInterval(() => {
      if (pending) return; // the last beat still waits for the connection
      pending = true;
      this.db
        .updateTable('jobs')
        .set({ heartbeat_at: sql`now()` })
        .where('id', '=', id)
        .where('owner', '=', this.owner)
        .where('status', '=', 'running')
        .execute()
        .catch((err: unknown) => this.log.warn({ err, id }, 'job heartbeat failed'))
        .finally(() => (pending = false));
    }, this.liveness.heartbeatMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async runOne(job: {
    id: number;
    name: string;
    payload: unknown;
    attempts: number;
    max_attempts: number;
  }) {
    const def = this.defs.get(job.name);
    const stopBeating = this.beat(job.id);
    // only the owner records the outcome: a run taken over as dead is no longer ours
    const mine = () =>
      this.db
        .updateTable('jobs')
        .where('id', '=', job.id)
        .where('owner', '=', this.owner)
        .where('status', '=', 'running');
    try {
      if (!def) throw new Error(`没有名为 ${job.name} 的任务`);
      const result = await def.handler({ db: this.db, payload: job.payload, jobId: job.id });
      stopBeating();
      const res = await mine()
        .set({
          status: 'succeeded',
          finished_at: new Date(),
          result: JSON.stringify(result ?? null),
          error: null,
        })
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0)
        this.log.warn({ job: job.name, id: job.id }, 'job finished after it was taken over');
    } catch (err) {
      stopBeating();
      const retry = job.attempts < job.max_attempts;
      this.log.error({ err, job: job.name, id: job.id, retry }, 'job failed');
      await mine()
        .set({
          status: retry ? 'queued' : 'failed',
          // back off: 30 s, 2 min, 8 min …
          run_at: new Date(Date.now() + 30_000 * 4 ** (job.attempts - 1)),
          finished_at: retry ? null : new Date(),
          error: String(err instanceof Error ? err.message : err).slice(0, 2000),
        })
        .execute();
    }
  }

  /**
   * One pass: schedules, then the queue. Errors are logged, never thrown.
   * Background work: on PGlite requests take the connection first.
   */
  async tick(): Promise<void> {
    try {
      await inBackground(async () => {
        await this.enqueueDue();
        await this.drain();
      });
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
