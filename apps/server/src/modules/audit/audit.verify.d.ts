import type { Db } from '../../platform/database/db';
/**
 * Recomputes the audit hash chain (migration 0018, docs/adr/0018) outside the
 * database: a row's content is spelled here by the built-in jsonb functions,
 * not by the database's audit_log_content(), and hashed here, so a superuser
 * who replaced the function or disabled the triggers is still caught. The
 * tail is checked against a checkpoint kept outside the database.
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
    head: {
        seq: number;
        hash: string;
    } | null;
    problems: ChainProblem[];
}
export declare function verifyAuditChain(db: Db, checkpoint?: ChainCheckpoint | null): Promise<ChainReport>;
/** The checkpoint file, or null before the first verification. */
export declare function readCheckpoint(path: string): Promise<ChainCheckpoint | null>;
/**
 * `npm run audit:verify`: verifies the chain against the checkpoint and, when
 * it holds, moves the checkpoint to the current head (written to a new file
 * and renamed, so a crash never leaves half a checkpoint).
 */
export declare function verifyAndCheckpoint(db: Db, path: string, now?: Date): Promise<{
    report: ChainReport;
    checkpoint: ChainCheckpoint | null;
    written: ChainCheckpoint | null;
}>;
