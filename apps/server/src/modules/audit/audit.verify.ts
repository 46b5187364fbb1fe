import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';

/**
 * Recomputes the audit hash chain (migration 0018, docs/adr/0018) outside the
 * database: a row's content is spelled here by the built-in row and jsonb
 * output functions, not by the database's audit_log_content(), and hashed
 * here, so a superuser who replaced the function or disabled the triggers is
 * still caught. The tail is checked against a checkpoint kept outside the
 * database.
 */

/** The head of the chain as last seen by a verification, kept outside the database. */
export interface ChainCheckpoint {
  seq: number;
  hash: string;
  at: string;
}

export interface ChainProblem {
  kind: 'edited' | 'deleted' | 'gap' | 'link' | 'unchained' | 'tail' | 'rewritten';
  seq: number | null;
  auditId: number | null;
  /** Chinese, naming the row */
  message: string;
}

export interface ChainReport {
  entries: number;
  head: { seq: number; hash: string } | null;
  problems: ChainProblem[];
}

const GENESIS = '0'.repeat(64);
/** chain rows read per round trip: two index scans, a few MB of text */
const PAGE = 20_000;
/** a tampered log can have many problems; the first ones name the rows */
const MAX_PROBLEMS = 1000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export async function verifyAuditChain(
  db: Db,
  checkpoint: ChainCheckpoint | null = null,
): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const add = (p: ChainProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let prevSeq = 0;
  let prevHash = GENESIS;
  let entries = 0;
  let checkpointSeen = false;
  for (;;) {
    // Two index scans per page — the chain by seq, then its audit rows by id —
    // rather than one join, which the planner may answer by building every
    // row's content past the page and sorting it (quadratic over the pages).
    const chain = await db
      .selectFrom('audit_chain')
      .select(['seq', 'audit_id', 'prev_hash', 'hash'])
      .where('seq', '>', prevSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    const contents = new Map<number, string>();
    if (chain.length > 0) {
      const { rows: logged } = await sql<{ id: number; content: string }>`
        select a.id,
               row(a.id, (extract(epoch from a.at) * 1000000)::bigint, a.actor_id, a.actor_name,
                 a.action, a.entity_type, a.entity_id, a.region_code, a.before, a.after,
                 a.ip)::text as content
        from audit_log a
        where a.id = any(${sql.val(chain.map((c) => c.audit_id))}::bigint[])`.execute(db);
      for (const l of logged) contents.set(l.id, l.content);
    }
    const rows = chain.map((c) => ({ ...c, content: contents.get(c.audit_id) ?? null }));
    for (const r of rows) {
      entries++;
      if (r.seq !== prevSeq + 1)
        add({
          kind: 'gap',
          seq: prevSeq + 1,
          auditId: null,
          message:
            r.seq === prevSeq + 2
              ? `链中第${prevSeq + 1}条记录已被删除（第${prevSeq}条与第${r.seq}条之间）`
              : `链中第${prevSeq + 1}至第${r.seq - 1}条记录已被删除`,
        });
      else if (r.prev_hash !== prevHash)
        add({
          kind: 'link',
          seq: r.seq,
          auditId: r.audit_id,
          message: `链中第${r.seq}条（审计记录 ${r.audit_id}）的前一哈希与第${prevSeq}条不符，链被改写`,
        });
      if (r.content === null)
        add({
          kind: 'deleted',
          seq: r.seq,
          auditId: r.audit_id,
          message: `审计记录 ${r.audit_id}（链中第${r.seq}条）已被删除`,
        });
      else if (sha256(r.prev_hash + r.content) !== r.hash)
        add({
          kind: 'edited',
          seq: r.seq,
          auditId: r.audit_id,
          message: `审计记录 ${r.audit_id}（链中第${r.seq}条）的内容已被修改`,
        });
      if (checkpoint && r.seq === checkpoint.seq) {
        checkpointSeen = true;
        if (r.hash !== checkpoint.hash)
          add({
            kind: 'rewritten',
            seq: r.seq,
            auditId: r.audit_id,
            message: `链中第${r.seq}条与 ${checkpoint.at} 的检查点不符：此前的记录被改写后重新计算了哈希`,
          });
      }
      prevSeq = r.seq;
      prevHash = r.hash;
    }
    if (rows.length < PAGE) break;
  }
  if (checkpoint && !checkpointSeen)
    add({
      kind: 'tail',
      seq: checkpoint.seq,
      auditId: null,
      message:
        prevSeq < checkpoint.seq
          ? `链尾被删除：${checkpoint.at} 的检查点记录到第${checkpoint.seq}条，现在只到第${prevSeq}条`
          : `链中第${checkpoint.seq}条（${checkpoint.at} 的检查点）已被删除`,
    });
  const unchained = await db
    .selectFrom('audit_log as a')
    .leftJoin('audit_chain as c', 'c.audit_id', 'a.id')
    .select('a.id')
    .where('c.audit_id', 'is', null)
    .orderBy('a.id')
    .limit(MAX_PROBLEMS)
    .execute();
  for (const u of unchained)
    add({
      kind: 'unchained',
      seq: null,
      auditId: u.id,
      message: `审计记录 ${u.id} 不在链中：绕过数据库触发器写入`,
    });
  return { entries, head: prevSeq ? { seq: prevSeq, hash: prevHash } : null, problems };
}

/** The checkpoint file, or null before the first verification. */
export async function readCheckpoint(path: string): Promise<ChainCheckpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const c = JSON.parse(text) as Partial<ChainCheckpoint>;
  if (typeof c.seq !== 'number' || typeof c.hash !== 'string' || typeof c.at !== 'string')
    throw new Error(`检查点文件 ${path} 格式不对`);
  return { seq: c.seq, hash: c.hash, at: c.at };
}

/**
 * `npm run audit:verify`: verifies the chain against the checkpoint and, when
 * it holds, moves the checkpoint to the current head (written to a new file
 * and renamed, so a crash never leaves half a checkpoint).
 */
export async function verifyAndCheckpoint(db: Db, path: string, now = new Date()) {
  const checkpoint = await readCheckpoint(path);
  const report = await verifyAuditChain(db, checkpoint);
  let written: ChainCheckpoint | null = null;
  if (report.problems.length === 0 && report.head) {
    written = { ...report.head, at: now.toISOString() };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, `${JSON.stringify(written)}\n`);
    await rename(`${path}.tmp`, path);
  }
  return { report, checkpoint, written };
}
