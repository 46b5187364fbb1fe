import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger } from 'fastify';
import { IMPORT_MAX_BYTES, type ImportRowError, type ProjectImport } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';

/**
 * What every spreadsheet import shares (docs/adr/0007): the upload streamed
 * to a temporary file, one record per import in `project_imports` (its
 * `kind` says what it imports), validation in the background with progress,
 * valid rows staged in `project_import_rows` in chunks, rejected rows kept
 * with their reasons, and the apply step in one transaction or none. What a
 * row means is the caller's: the project import and the monthly-report import.
 */

export type ImportKind = 'projects' | 'monthly_reports';

const MAX_ERRORS_KEPT = 1000;
const CHUNK = 500;

const uploadDir = () => join(tmpdir(), 'xiangmu-imports');

interface ImportRow {
  id: number;
  kind: ImportKind;
  region_code: string;
  filename: string;
  status: ProjectImport['status'];
  processed_rows: number;
  total_rows: number | null;
  valid_rows: number;
  create_rows: number;
  update_rows: number;
  unchanged_rows: number;
  rejected_rows: number;
  errors: unknown;
  failure: string | null;
  actor_name: string;
  created_at: Date;
  applied_at: Date | null;
}

export function presentImport(r: ImportRow): ProjectImport {
  return {
    id: r.id,
    filename: r.filename,
    status: r.status,
    processedRows: r.processed_rows,
    totalRows: r.total_rows,
    validRows: r.valid_rows,
    createRows: r.create_rows,
    updateRows: r.update_rows,
    unchangedRows: r.unchanged_rows,
    rejectedRows: r.rejected_rows,
    errors: r.errors as ImportRowError[],
    failure: r.failure,
    actorName: r.actor_name,
    createdAt: r.created_at.toISOString(),
    appliedAt: r.applied_at?.toISOString() ?? null,
  };
}

/** The import if it is of this kind and inside the actor's scope; `lock` for the apply step. */
export async function getImportInScope(
  db: Db,
  actor: Pick<Actor, 'scopePath'>,
  id: number,
  kind: ImportKind,
  lock = false,
) {
  let q = db
    .selectFrom('project_imports')
    .innerJoin('regions', 'regions.code', 'project_imports.region_code')
    .selectAll('project_imports')
    .select('regions.path as region_path')
    .where('project_imports.id', '=', id)
    .where('project_imports.kind', '=', kind);
  if (lock) q = q.forUpdate('project_imports');
  const row = await q.executeTakeFirst();
  if (!row) throw new DomainError('IMPORT_NOT_FOUND');
  if (!row.region_path.startsWith(actor.scopePath)) throw new DomainError('REGION_OUT_OF_SCOPE');
  return row;
}

/** The latest 50 imports of this kind in the actor's scope. */
export async function listImportsOf(db: Db, actor: Actor, kind: ImportKind) {
  const rows = await db
    .selectFrom('project_imports')
    .innerJoin('regions', 'regions.code', 'project_imports.region_code')
    .selectAll('project_imports')
    .where('regions.path', 'like', `${actor.scopePath}%`)
    .where('project_imports.kind', '=', kind)
    .orderBy('project_imports.id', 'desc')
    .limit(50)
    .execute();
  return rows.map(presentImport);
}

/**
 * Receives the file (refusing more than 20 MB while it streams in) and
 * records the import with its audit row; the caller then validates the
 * file with validateInBackground.
 */
export async function receiveUpload(
  db: Db,
  actor: Actor,
  upload: { filename: string; stream: Readable },
  record: { kind: ImportKind; action: string; entityType: string; extra?: Record<string, unknown> },
) {
  await mkdir(uploadDir(), { recursive: true });
  const path = join(
    uploadDir(),
    `${Date.now()}-${actor.userId}-${Math.random().toString(36).slice(2)}.xlsx`,
  );
  let bytes = 0;
  try {
    await pipeline(
      upload.stream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > IMPORT_MAX_BYTES ? new DomainError('IMPORT_TOO_LARGE') : null, chunk);
        },
      }),
      createWriteStream(path),
    );
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof DomainError) throw err;
    throw new DomainError('MALFORMED_REQUEST', { message: '文件上传中断，请重试' });
  }
  if ((await stat(path)).size === 0) {
    await rm(path, { force: true });
    throw new DomainError('VALIDATION_FAILED', { message: '上传的文件是空的' });
  }
  const who = auditActorOf(actor);
  try {
    const row = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('project_imports')
        .values({
          kind: record.kind,
          user_id: actor.userId,
          actor_name: who.name,
          region_code: actor.activeRegionCode,
          filename: upload.filename.slice(0, 200),
          status: 'validating',
          total_rows: null,
          failure: null,
          applied_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, who, {
        action: record.action,
        entityType: record.entityType,
        entityId: row.id,
        regionCode: actor.activeRegionCode,
        after: { filename: row.filename, bytes, ...record.extra },
      });
      return row;
    });
    return { row, path };
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/** The validations running now, by import id; tests await them. */
export const pendingValidations = new Map<number, Promise<void>>();

/**
 * Runs `work` in the background; a failure marks the import failed with its
 * message (Chinese, from the reader or the rules), and the file is removed.
 */
export function validateInBackground(
  db: Db,
  importId: number,
  path: string,
  log: FastifyBaseLogger,
  work: () => Promise<void>,
): void {
  const done = (async () => {
    try {
      await work();
    } catch (err) {
      log.warn({ err, importId }, 'import validation failed');
      await db
        .updateTable('project_imports')
        .set({ status: 'failed', failure: err instanceof Error ? err.message : String(err) })
        .where('id', '=', importId)
        .execute()
        .catch((e: unknown) =>
          log.error({ err: e, importId }, 'could not record the failed import'),
        );
    } finally {
      await rm(path, { force: true });
    }
  })();
  pendingValidations.set(importId, done);
  void done.finally(() => pendingValidations.delete(importId));
}

export interface StagedRow {
  row_number: number;
  action: 'create' | 'update' | 'unchanged';
  project_id: number | null;
  project_version: number | null;
  /** JSON of what the apply step writes */
  data: string;
}

/** Counts, rejected rows and staged valid rows of one validation, written in chunks. */
export class ImportStaging {
  readonly errors: ImportRowError[] = [];
  readonly counts = { processed: 0, valid: 0, create: 0, update: 0, unchanged: 0, rejected: 0 };
  private staged: StagedRow[] = [];

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {}

  accept(row: StagedRow): void {
    this.counts.valid++;
    this.counts[row.action]++;
    this.staged.push(row);
  }

  reject(rowErrors: ImportRowError[]): void {
    this.counts.rejected++;
    for (const e of rowErrors) if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(e);
  }

  /** After each row: writes a chunk now and then, so progress shows. */
  async rowDone(): Promise<void> {
    if (this.staged.length >= CHUNK || this.counts.processed % CHUNK === 0) await this.flush(false);
  }

  async flush(final: boolean): Promise<void> {
    const chunk = this.staged;
    this.staged = [];
    const { counts, errors, importId } = this;
    await this.db.transaction().execute(async (trx) => {
      if (chunk.length)
        await trx
          .insertInto('project_import_rows')
          .values(chunk.map((c) => ({ ...c, import_id: importId })))
          .execute();
      await trx
        .updateTable('project_imports')
        .set({
          processed_rows: counts.processed,
          valid_rows: counts.valid,
          create_rows: counts.create,
          update_rows: counts.update,
          unchanged_rows: counts.unchanged,
          rejected_rows: counts.rejected,
          errors: JSON.stringify(errors),
          ...(final ? { status: 'validated' as const, total_rows: counts.processed } : {}),
        })
        .where('id', '=', importId)
        .execute();
    });
  }
}

type LockedImport = Awaited<ReturnType<typeof getImportInScope>>;

/**
 * The apply step: in one transaction, the import locked, checked ready,
 * `apply` writes its staged rows (throwing rolls everything back), the import
 * is marked applied and audited with what `apply` reports.
 */
export async function applyStaged(
  db: Db,
  actor: Actor,
  id: number,
  kind: ImportKind,
  audit: { action: string; entityType: string },
  apply: (trx: Db, imp: LockedImport) => Promise<Record<string, unknown>>,
): Promise<ProjectImport> {
  const who = auditActorOf(actor);
  return db.transaction().execute(async (trx) => {
    const imp = await getImportInScope(trx, actor, id, kind, true);
    if (imp.status !== 'validated') throw new DomainError('IMPORT_NOT_READY');
    if (imp.create_rows + imp.update_rows === 0) throw new DomainError('IMPORT_NOTHING_VALID');
    const figures = await apply(trx, imp);
    const done = await trx
      .updateTable('project_imports')
      .set({ status: 'applied', applied_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, {
      action: audit.action,
      entityType: audit.entityType,
      entityId: id,
      regionCode: imp.region_code,
      after: { filename: imp.filename, ...figures, rejected: imp.rejected_rows },
    });
    return presentImport(done);
  });
}
