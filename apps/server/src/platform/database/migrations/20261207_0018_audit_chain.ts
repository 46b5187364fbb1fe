import { sql, type Kysely } from 'kysely';

/**
 * The audit log as a hash chain (docs/adr/0018-audit-hash-chain.md): every
 * audit_log row gets one audit_chain row — its place in the chain (seq), the
 * previous entry's hash and sha256(prev_hash || content). The chain is
 * appended at commit under one advisory lock, so it follows commit order,
 * concurrent writers never fork it, and the lock is held only while the
 * transaction commits. It is appended set-based, once per transaction:
 *
 * - a statement trigger with a transition table adds the ids each INSERT
 *   wrote to a transaction-local setting (a multirange: a 20 000-row INSERT
 *   is one range);
 * - the deferred constraint trigger is queued for the transaction's first
 *   audit row only (its WHEN, evaluated at the INSERT, marks the transaction;
 *   the other rows are never queued), and at commit chains every row the
 *   transaction wrote, in id order, with one INSERT.
 *
 * A savepoint rolled back takes its rows, its ids and its mark with it (local
 * settings are restored on subtransaction abort). Existing rows are chained
 * here in id order.
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

    -- What is hashed of a row: every column, in a fixed order, as the text of
    -- a row value (quoted where needed, so it reads back one way; jsonb keeps
    -- one spelling of a value); time as microseconds, whatever the TimeZone.
    -- Half the cost of jsonb_build_array(...)::text on PGlite.
    CREATE FUNCTION audit_log_content(a audit_log) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT row(a.id, (extract(epoch from a.at) * 1000000)::bigint, a.actor_id, a.actor_name,
        a.action, a.entity_type, a.entity_id, a.region_code, a.before, a.after, a.ip)::text
    $$;

    -- Appends the audit rows with these ids to the chain, in id order, in one
    -- INSERT. The running hash is sequential by nature: computed here row by
    -- row in memory (appends to a plpgsql array are in place), then written
    -- at once — measured against a window aggregate and a recursive CTE, this
    -- was the fastest (bench/README.md). The caller holds the chain's
    -- advisory lock (or is the migration).
    CREATE FUNCTION audit_chain_append(ids int8multirange) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      g int8range;
      s bigint;
      h text;
      r record;
      seqs bigint[] := '{}';
      audit_ids bigint[] := '{}';
      prevs text[] := '{}';
      hashes text[] := '{}';
    BEGIN
      SELECT c.seq, c.hash INTO s, h FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
      s := coalesce(s, 0);
      h := coalesce(h, repeat('0', 64));
      -- ranges in order, each walked in id order (no sort of the contents)
      FOR g IN SELECT unnest(ids) LOOP
        FOR r IN
          SELECT a.id, audit_log_content(a) AS content FROM audit_log a
          WHERE a.id >= lower(g) AND a.id < upper(g) ORDER BY a.id
        LOOP
          s := s + 1;
          seqs := seqs || s;
          audit_ids := audit_ids || r.id;
          prevs := prevs || h;
          h := encode(sha256(convert_to(h || r.content, 'UTF8')), 'hex');
          hashes := hashes || h;
        END LOOP;
      END LOOP;
      INSERT INTO audit_chain (seq, audit_id, prev_hash, hash)
        SELECT * FROM unnest(seqs, audit_ids, prevs, hashes);
    END $$;

    -- After each INSERT: its ids join the transaction's set. The setting is
    -- prefixed with the transaction id, so a value set for the session (or
    -- left by another transaction) is never taken for this one's.
    CREATE FUNCTION audit_log_chain_collect() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      x text := pg_current_xact_id()::text;
      v text := current_setting('xiangmu.audit_chain_ids', true);
      m int8multirange;
    BEGIN
      SELECT range_agg(int8range(n.id, n.id + 1)) INTO m FROM new_rows n;
      IF m IS NULL THEN
        RETURN NULL;
      END IF;
      IF v IS NOT NULL AND split_part(v, ' ', 1) = x THEN
        m := m + substr(v, length(x) + 2)::int8multirange;
      END IF;
      PERFORM set_config('xiangmu.audit_chain_ids', x || ' ' || m::text, true);
      RETURN NULL;
    END $$;
    CREATE TRIGGER audit_log_chain_collect AFTER INSERT ON audit_log
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_chain_collect();

    -- At commit, once per transaction: one transaction at a time appends;
    -- READ COMMITTED, so the head read after the lock is what the previous
    -- holder committed (a REPEATABLE READ snapshot collides on seq instead).
    CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      x text := pg_current_xact_id()::text;
      v text := current_setting('xiangmu.audit_chain_ids', true);
    BEGIN
      IF v IS NULL OR split_part(v, ' ', 1) <> x THEN
        RAISE EXCEPTION 'audit_log_chain found no ids to chain: it must stay deferred to commit';
      END IF;
      -- rows audited later in this commit (by other deferred triggers) mark anew
      PERFORM set_config('xiangmu.audit_chain_mark', '', true);
      PERFORM set_config('xiangmu.audit_chain_ids', '', true);
      PERFORM pg_advisory_xact_lock(7305861421);
      PERFORM audit_chain_append(substr(v, length(x) + 2)::int8multirange);
      RETURN NULL;
    END $$;
    -- WHEN is evaluated at the INSERT, not at commit: true for the first row
    -- of a transaction only (it sets the mark), so only that row is queued.
    CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (CASE
        WHEN current_setting('xiangmu.audit_chain_mark', true) = pg_current_xact_id()::text THEN false
        ELSE set_config('xiangmu.audit_chain_mark', pg_current_xact_id()::text, true) IS NOT NULL
      END)
      EXECUTE FUNCTION audit_log_chain();

    -- the rows written before this migration, in id order, 10 000 ids at a
    -- time (a long history never sits in one set of arrays)
    DO $$
    DECLARE
      lo bigint := (SELECT min(id) FROM audit_log);
      hi bigint := (SELECT max(id) FROM audit_log);
    BEGIN
      WHILE lo <= hi LOOP
        PERFORM audit_chain_append(int8multirange(int8range(lo, lo + 10000)));
        lo := lo + 10000;
      END LOOP;
    END $$;
  `.execute(db);
}
