import { sql, type Kysely } from 'kysely';

// Login throttle state in the database (docs/adr/0016): several API
// processes on one PostgreSQL share it, a restart does not wipe it, and an
// admin can see and lift it. One row per key:
//  - 'pair'    (address, username): blocks that pair after a few failures
//  - 'address' (address, ''):       counts an address's failures for a growing delay
//  - 'name'    ('', username):      the account lock of a username that does not
//                                   exist, so a lock cannot tell which ones do
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE login_throttle (
      id serial PRIMARY KEY,
      scope text NOT NULL CHECK (scope IN ('pair', 'address', 'name')),
      address text NOT NULL,
      username text NOT NULL,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      last_failed_at timestamptz NOT NULL,
      blocked_until timestamptz,
      UNIQUE (scope, address, username)
    );
    CREATE INDEX login_throttle_last_failed_idx ON login_throttle (last_failed_at);
  `.execute(db);
}
