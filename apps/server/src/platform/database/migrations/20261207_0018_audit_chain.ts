import { sql, type Kysely } from 'kysely';

/**
 * The audit log as a hash chain (docs/adr/0018-audit-hash-chain.md): every
 * audit_log row gets one audit_chain row — its place in the chain (seq), the
 * previous entry's hash and sha256(prev_hash || content). The chain is
 * appended at commit (a deferred constraint trigger under one advisory lock),
 * so it follows commit order, concurrent writers never fork it, and the lock
 * is held only while the transaction commits. Existing rows are chained here
 * in id order. `npm run audit:verify` recomputes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_chain (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      audit_id bigint NOT NULL UNIQUE,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL
    );
    CREATE TRIGGER audit_chain_no_update_delete BEFORE UPDATE OR DELETE ON audit_chain
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
    CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

    -- What is hashed of a row: every column, in a fixed order, as jsonb text
    -- (canonical: jsonb keeps one spelling of a value); time in microseconds.
    CREATE FUNCTION audit_log_content(a audit_log) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT jsonb_build_array(a.id, (extract(epoch from a.at) * 1000000)::bigint, a.actor_id,
        a.actor_name, a.action, a.entity_type, a.entity_id, a.region_code, a.before, a.after,
        a.ip)::text
    $$;

    CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- the head this transaction appended last (set only while it holds the lock)
      s bigint := nullif(current_setting('xiangmu.audit_chain_seq', true), '')::bigint;
      h text;
    BEGIN
      IF s IS NULL THEN
        -- one transaction at a time appends; READ COMMITTED: the next query sees
        -- what the previous holder committed (an older snapshot collides on seq)
        PERFORM pg_advisory_xact_lock(7305861421);
        SELECT c.seq, c.hash INTO s, h FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
        s := coalesce(s, 0);
        h := coalesce(h, repeat('0', 64));
      ELSE
        h := current_setting('xiangmu.audit_chain_hash');
      END IF;
      s := s + 1;
      INSERT INTO audit_chain (seq, audit_id, prev_hash, hash)
        VALUES (s, NEW.id, h, encode(sha256(convert_to(h || audit_log_content(NEW), 'UTF8')), 'hex'))
        RETURNING hash INTO h;
      PERFORM set_config('xiangmu.audit_chain_seq', s::text, true);
      PERFORM set_config('xiangmu.audit_chain_hash', h, true);
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

    DO $$
    DECLARE
      r audit_log;
      s bigint := 0;
      h text := repeat('0', 64);
    BEGIN
      FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        s := s + 1;
        INSERT INTO audit_chain (seq, audit_id, prev_hash, hash)
          VALUES (s, r.id, h, encode(sha256(convert_to(h || audit_log_content(r), 'UTF8')), 'hex'))
          RETURNING hash INTO h;
      END LOOP;
    END $$;
  `.execute(db);
}
