import { sql, type Kysely } from 'kysely';

// Job liveness (issue 14.5): the worker running a job stamps `heartbeat_at`
// every few seconds and names itself in `owner`, so a run whose worker died
// is seen within seconds (not after ten minutes) and only its owner may
// record the outcome of a claim.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE jobs ADD COLUMN heartbeat_at timestamptz;
    ALTER TABLE jobs ADD COLUMN owner text;
    UPDATE jobs SET heartbeat_at = started_at WHERE status = 'running';
    CREATE INDEX jobs_running_idx ON jobs (heartbeat_at) WHERE status = 'running';
  `.execute(db);
}
