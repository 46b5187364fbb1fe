import { createWriteStream } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import {
  amountUnitLabels,
  IMPORT_MAX_BYTES,
  type ImportField,
  type ImportKind,
  type ImportLayout,
  type ImportMappingRequest,
  type ImportOptions,
  type ImportPreview,
  type ImportRowError,
  type ImportStatus,
  type ProjectImport,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import {
  headerOf,
  headingOf,
  parseAmount,
  parseDate,
  proposeMapping,
  readLedger,
  signatureOf,
  textOf,
  titleHints,
  type Cell,
  type Header,
  type LedgerLayout,
  type LedgerRow,
  type SheetHead,
  type Unit,
} from './ledger-reader';

/**
 * The import wizard every spreadsheet import shares (docs/adr/0007, 0013):
 * the upload streamed to a file kept until applied; its header read at once
 * and a column mapping proposed (synonyms, or the mapping this region last
 * confirmed for the same header); the confirmed mapping validated in the
 * background with progress, valid rows staged in `project_import_rows` in
 * chunks, rejected rows kept with their reasons, warnings beside them; the
 * apply step in one transaction or none. What a row means is the caller's
 * ImportDefinition: the project import and the monthly-report import.
 */

const MAX_ERRORS_KEPT = 1000;
const CHUNK = 2000;
/**
 * Rows between two turns of the event loop during a validation: exceljs
 * hands over a whole inflated chunk of rows without any I/O in between, so
 * without this other users' requests waited for hundreds of rows' checks
 * (GET /api/me p99 0.3–0.6 s during a 20 000-row validation, bench/README.md).
 */
const YIELD_EVERY = 100;
const SAMPLE_ROWS = 3;
/** a ledger has tens of columns; more is a sheet that is not one (and a huge mapping step) */
const MAX_COLUMNS = 300;

/** where uploads wait for their apply; swept by imports.settle (import.jobs.ts) */
export const uploadDir = () => join(tmpdir(), 'xiangmu-imports');
/**
 * A running validation stamps its import this often, whatever its pace, so
 * imports.settle tells a live one from one whose process died.
 */
export const VALIDATION_HEARTBEAT_MS = 15_000;

/** What one kind of import tells the wizard. */
export interface ImportDefinition<F extends string> {
  kind: ImportKind;
  layout: LedgerLayout<F>;
  /** the fields a column can be mapped to, in the order the wizard lists them */
  fields: ReadonlyArray<ImportField & { key: F }>;
  /** the unit of amount columns whose heading names none, unless the title or the user says */
  defaultUnit: Unit;
  audit: { uploaded: string; mapped: string; entityType: string };
}

interface ImportRecord {
  id: number;
  kind: ImportKind;
  region_code: string;
  filename: string;
  status: ImportStatus;
  processed_rows: number;
  total_rows: number | null;
  valid_rows: number;
  create_rows: number;
  update_rows: number;
  unchanged_rows: number;
  rejected_rows: number;
  warning_rows: number;
  errors: unknown;
  warnings: unknown;
  failure: string | null;
  layout: unknown;
  options: unknown;
  preview: unknown;
  actor_name: string;
  created_at: Date;
  applied_at: Date | null;
}

export function presentImport(r: ImportRecord): ProjectImport {
  return {
    id: r.id,
    kind: r.kind,
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
    warnings: (r.warnings ?? []) as ImportRowError[],
    warningRows: r.warning_rows,
    failure: r.failure,
    layout: (r.layout ?? null) as ImportLayout | null,
    options: (r.options ?? null) as ImportOptions | null,
    preview: (r.preview ?? null) as ImportPreview | null,
    actorName: r.actor_name,
    createdAt: r.created_at.toISOString(),
    appliedAt: r.applied_at?.toISOString() ?? null,
  };
}

/** The import if it is of this kind and inside the actor's scope; `lock` for a state change. */
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

/** The header and the first rows below it, for the mapping step. */
async function readHead<F extends string>(path: string, layout: LedgerLayout<F>) {
  let head: SheetHead | null = null;
  const samples: LedgerRow[] = [];
  for await (const ev of readLedger(path, layout)) {
    if (ev.kind === 'head') head = ev.head;
    else if (ev.kind === 'row') samples.push(ev.row);
    if (samples.length >= SAMPLE_ROWS) break;
  }
  return { head: head!, samples };
}

const sampleText = (c: Cell | undefined) => {
  if (c === null || c === undefined || typeof c === 'symbol') return '';
  return c instanceof Date ? c.toISOString().slice(0, 10) : textOf(c).slice(0, 40);
};

/** The mapping step's view of the file: every column, what it maps to, the title's hints. */
async function layoutOf<F extends string>(
  db: Db,
  def: ImportDefinition<F>,
  regionCode: string,
  head: SheetHead,
  samples: LedgerRow[],
): Promise<ImportLayout> {
  // the headings as the layout keeps them, so the mapping step finds the same signature
  const signature = signatureOf(
    head.columns.map((c) => ({ index: c.index, header: headingOf(c).slice(0, 100) })),
  );
  const saved = await db
    .selectFrom('import_mappings')
    .select(['columns'])
    .where('kind', '=', def.kind)
    .where('region_code', '=', regionCode)
    .where('signature', '=', signature)
    .executeTakeFirst();
  const known = new Set<string>(def.fields.map((f) => f.key));
  const remembered = saved
    ? new Map(
        (saved.columns as Array<{ index: number; field: string | null }>)
          .filter((c) => c.field === null || known.has(c.field))
          .map((c) => [c.index, c.field]),
      )
    : null;
  const proposed = proposeMapping(head, def.layout);
  const hints = titleHints(head.title);
  return {
    columns: head.columns.map((c) => ({
      index: c.index,
      letter: columnLetter(c.index),
      header: headingOf(c).slice(0, 100),
      samples: samples.map((r) => sampleText(r.cells[c.index])).filter(Boolean),
      field: remembered?.has(c.index)
        ? (remembered.get(c.index) ?? null)
        : known.has(proposed.get(c.index) ?? '')
          ? proposed.get(c.index)!
          : null,
      unit: c.unit ?? null,
    })),
    fields: def.fields.map(({ key, label, required, amount, hint }) => ({
      key,
      label,
      required,
      amount,
      hint,
    })),
    title: head.title.map((t) => t.slice(0, 200)).slice(0, 10),
    headerRows: [head.firstRow, head.lastRow],
    titleUnit: head.titleUnit ?? null,
    titleYear: hints.year,
    titleCampaign: hints.campaign,
    titleMonth: hints.month,
    remembered: remembered !== null,
  };
}

export function columnLetter(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Receives the file (refusing more than 20 MB while it streams in), reads
 * its header and records the import, audited, waiting for its mapping; a
 * file that cannot be read is recorded as failed with the reason.
 */
export async function receiveUpload<F extends string>(
  db: Db,
  actor: Actor,
  def: ImportDefinition<F>,
  upload: { filename: string; stream: Readable },
  extra?: Record<string, unknown>,
): Promise<ProjectImport> {
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
  let layout: ImportLayout | null = null;
  let failure: string | null = null;
  try {
    const { head, samples } = await readHead(path, def.layout);
    if (head.columns.length > MAX_COLUMNS)
      throw new Error(
        `表头有${head.columns.length}列，超过${MAX_COLUMNS}列，请删除多余的列后再上传`,
      );
    layout = await layoutOf(db, def, actor.activeRegionCode, head, samples);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    await rm(path, { force: true });
  }
  const who = auditActorOf(actor);
  try {
    const row = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('project_imports')
        .values({
          kind: def.kind,
          user_id: actor.userId,
          actor_name: who.name,
          region_code: actor.activeRegionCode,
          filename: upload.filename.slice(0, 200),
          status: failure ? 'failed' : 'mapping',
          total_rows: null,
          failure,
          layout: layout ? JSON.stringify(layout) : null,
          file_path: failure ? null : path,
          applied_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, who, {
        action: def.audit.uploaded,
        entityType: def.audit.entityType,
        entityId: row.id,
        regionCode: actor.activeRegionCode,
        after: { filename: row.filename, bytes, columns: layout?.columns.length ?? 0, ...extra },
      });
      return row;
    });
    return presentImport(row);
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/**
 * The mapping step: checks the user's mapping against the file's columns and
 * the kind's fields, remembers it for this region and header, clears what an
 * earlier check staged and marks the import 'validating'. The caller then
 * runs the validation with validateInBackground.
 */
export async function confirmMapping<F extends string>(
  db: Db,
  actor: Actor,
  def: ImportDefinition<F>,
  id: number,
  req: ImportMappingRequest,
  /** more checks of the kind's own, inside the same transaction (`trx`: never the outer db) */
  check: (options: ImportOptions, layout: ImportLayout, trx: Db) => Promise<void> | void,
) {
  const who = auditActorOf(actor);
  return db.transaction().execute(async (trx) => {
    const imp = await getImportInScope(trx, actor, id, def.kind, true);
    if (imp.status !== 'mapping' && imp.status !== 'validated')
      throw new DomainError('IMPORT_NOT_READY', {
        message: `该导入当前为"${imp.status === 'applied' ? '已导入' : imp.status === 'failed' ? '失败' : '处理中'}"，不能修改列映射`,
      });
    if (!imp.file_path || !(await exists(imp.file_path))) throw new DomainError('IMPORT_FILE_GONE');
    const layout = imp.layout as ImportLayout;
    const options = mappingOptions(def, layout, req);
    await check(options, layout, trx);
    await trx
      .insertInto('import_mappings')
      .values({
        kind: def.kind,
        region_code: imp.region_code,
        signature: signatureOf(layout.columns),
        columns: JSON.stringify(options.columns),
        amount_unit: options.amountUnit,
        updated_by: who.name,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc.columns(['kind', 'region_code', 'signature']).doUpdateSet((eb) => ({
          columns: eb.ref('excluded.columns'),
          amount_unit: eb.ref('excluded.amount_unit'),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await trx.deleteFrom('project_import_rows').where('import_id', '=', id).execute();
    const row = await trx
      .updateTable('project_imports')
      .set({
        status: 'validating',
        options: JSON.stringify(options),
        processed_rows: 0,
        total_rows: null,
        valid_rows: 0,
        create_rows: 0,
        update_rows: 0,
        unchanged_rows: 0,
        rejected_rows: 0,
        warning_rows: 0,
        errors: '[]',
        warnings: '[]',
        preview: null,
        failure: null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const fieldLabel = new Map(def.fields.map((f) => [f.key as string, f.label]));
    await recordAudit(trx, who, {
      action: def.audit.mapped,
      entityType: def.audit.entityType,
      entityId: id,
      regionCode: imp.region_code,
      after: {
        columns: Object.fromEntries(
          options.columns.map((c) => [
            layout.columns.find((x) => x.index === c.index)?.header ?? c.index,
            c.field ? (fieldLabel.get(c.field) ?? c.field) : '不导入',
          ]),
        ),
        amountUnit: amountUnitLabels[options.amountUnit],
        planYear: options.planYear,
        campaignId: options.campaignId,
        month: options.month,
      },
    });
    return { row, path: imp.file_path, options, layout };
  });
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The request checked against the file and the fields: every column once, required fields present. */
function mappingOptions<F extends string>(
  def: ImportDefinition<F>,
  layout: ImportLayout,
  req: ImportMappingRequest,
): ImportOptions {
  const fields = new Map(def.fields.map((f) => [f.key as string, f]));
  const inFile = new Set(layout.columns.map((c) => c.index));
  const given = new Map(req.columns.map((c) => [c.index, c.field]));
  const problems: string[] = [];
  for (const c of req.columns)
    if (!inFile.has(c.index)) problems.push(`第${columnLetter(c.index)}列不在文件中`);
  // a column the request leaves out keeps what the wizard proposed
  const columns = layout.columns.map((c) => ({
    index: c.index,
    field: given.has(c.index) ? (given.get(c.index) ?? null) : c.field,
  }));
  const seen = new Map<string, string>();
  for (const c of columns) {
    if (c.field === null) continue;
    const f = fields.get(c.field);
    const letter = columnLetter(c.index);
    if (!f) problems.push(`第${letter}列：没有"${c.field}"这一项`);
    else if (seen.has(c.field))
      problems.push(`"${f.label}"被映射了两次（第${seen.get(c.field)}列和第${letter}列）`);
    else seen.set(c.field, letter);
  }
  const missing = def.fields.filter((f) => f.required && !seen.has(f.key)).map((f) => f.label);
  if (missing.length) problems.push(`必需的列未映射：${missing.join('、')}`);
  if (problems.length)
    throw new DomainError('IMPORT_MAPPING_INVALID', {
      message: `列映射有误：${problems.join('；')}`,
    });
  return {
    columns,
    amountUnit: req.amountUnit ?? layout.titleUnit ?? def.defaultUnit,
    planYear: req.planYear ?? null,
    campaignId: req.campaignId ?? null,
    month: req.month ?? null,
  };
}

/** The validations running now, by import id; tests await them. */
export const pendingValidations = new Map<number, Promise<void>>();

/**
 * Runs `work` in the background; a failure marks the import failed with its
 * message (Chinese, from the reader or the rules) and removes the file.
 */
export function validateInBackground(
  db: Db,
  importId: number,
  path: string,
  log: FastifyBaseLogger,
  work: () => Promise<void>,
): void {
  const beat = setInterval(() => {
    void db
      .updateTable('project_imports')
      .set({ updated_at: new Date() })
      .where('id', '=', importId)
      .where('status', '=', 'validating')
      .execute()
      .catch((err: unknown) => log.warn({ err, importId }, 'import heartbeat failed'));
  }, VALIDATION_HEARTBEAT_MS);
  beat.unref();
  const done = (async () => {
    try {
      await work();
    } catch (err) {
      log.warn({ err, importId }, 'import validation failed');
      await rm(path, { force: true });
      // failed, and the rows it staged so far go with it: nothing left behind
      await db
        .transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('project_imports')
            .set({
              status: 'failed',
              file_path: null,
              failure: err instanceof Error ? err.message : String(err),
            })
            .where('id', '=', importId)
            .execute();
          await trx.deleteFrom('project_import_rows').where('import_id', '=', importId).execute();
        })
        .catch((e: unknown) =>
          log.error({ err: e, importId }, 'could not record the failed import'),
        );
    }
  })();
  pendingValidations.set(importId, done);
  void done.finally(() => {
    clearInterval(beat);
    pendingValidations.delete(importId);
  });
}

export interface StagedRow {
  row_number: number;
  action: 'create' | 'update' | 'unchanged';
  project_id: number | null;
  project_version: number | null;
  /** JSON of what the apply step writes */
  data: string;
}

/** One data row as the kind's rules read it: cells by field, with its errors and warnings. */
export class RowReader<F extends string> {
  readonly errors: ImportRowError[] = [];
  readonly warnings: ImportRowError[] = [];

  constructor(
    readonly row: LedgerRow,
    private readonly header: Header<F>,
    private readonly labels: ReadonlyMap<string, string>,
  ) {}

  has(f: F): boolean {
    return this.header.columns.has(f);
  }

  cell(f: F): Cell {
    const col = this.header.columns.get(f);
    return col === undefined ? null : (this.row.cells[col] ?? null);
  }

  unit(f: F, fallback: Unit): Unit {
    return this.header.units.get(f) ?? fallback;
  }

  fail(field: F | null, message: string): void {
    this.errors.push({ row: this.row.number, field: this.label(field), message });
  }

  warn(field: F | null, message: string): void {
    this.warnings.push({ row: this.row.number, field: this.label(field), message });
  }

  /** trimmed text of the cell (a date as YYYY-MM-DD), undefined when empty */
  text(f: F): string | undefined {
    const c = this.cell(f);
    if (c === null) return undefined;
    if (typeof c === 'symbol') {
      this.fail(f, '单元格含公式或错误值，请粘贴为数值');
      return undefined;
    }
    return c instanceof Date ? c.toISOString().slice(0, 10) : String(c).trim();
  }

  /** an amount in 万元 */
  amount(f: F, fallback: Unit): string | null | undefined {
    const p = parseAmount(this.cell(f), this.unit(f, fallback));
    if (!p.ok) this.fail(f, p.message);
    return p.ok ? p.value : undefined;
  }

  date(f: F): string | null | undefined {
    const p = parseDate(this.cell(f));
    if (!p.ok) this.fail(f, p.message);
    return p.ok ? p.value : undefined;
  }

  private label(field: F | null) {
    return field === null ? null : (this.labels.get(field) ?? field);
  }
}

/**
 * The validation loop: reads the file with the confirmed mapping and hands
 * each data row to `row`, which returns what to stage (or null) and records
 * errors and warnings on the reader; staging, progress and the counts are
 * done here. Notes under the table become warnings, so nothing is dropped
 * unsaid. `end` gives the preview.
 */
export async function validateRows<F extends string>(
  db: Db,
  importId: number,
  path: string,
  def: ImportDefinition<F>,
  options: ImportOptions,
  rules: {
    row: (r: RowReader<F>) => Promise<StagedRow | null> | StagedRow | null;
    end?: () => Promise<ImportPreview | null> | ImportPreview | null;
  },
): Promise<void> {
  const labels = new Map<string, string>(def.fields.map((f) => [f.key, f.label]));
  const staging = new ImportStaging(db, importId);
  let header: Header<F> | null = null;
  for await (const ev of readLedger(path, def.layout)) {
    if (ev.kind === 'head') {
      header = headerOf(
        ev.head,
        options.columns as Array<{ index: number; field: F | null }>,
        options.amountUnit,
      );
      continue;
    }
    if (ev.kind === 'total') continue;
    if (ev.kind === 'note') {
      staging.warn([{ row: ev.row.number, field: null, message: '说明文字，不作为数据导入' }]);
      continue;
    }
    staging.counts.processed++;
    const r = new RowReader(ev.row, header!, labels);
    const staged = await rules.row(r);
    if (r.errors.length) staging.reject(r.errors);
    else if (staged) staging.accept(staged);
    if (r.warnings.length) staging.warn(r.warnings);
    await staging.rowDone();
    if (staging.counts.processed % YIELD_EVERY === 0) await turn();
  }
  await staging.flush(true, (await rules.end?.()) ?? null);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Counts, rejected rows and staged valid rows of one validation, written in chunks. */
export class ImportStaging {
  readonly errors: ImportRowError[] = [];
  readonly warnings: ImportRowError[] = [];
  readonly counts = {
    processed: 0,
    valid: 0,
    create: 0,
    update: 0,
    unchanged: 0,
    rejected: 0,
    warned: 0,
  };
  private staged: StagedRow[] = [];
  /** the chunk being written while the next rows are read (its failure surfaces at the next flush) */
  private writing: Promise<void> = Promise.resolve();

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

  warn(rowWarnings: ImportRowError[]): void {
    this.counts.warned++;
    for (const w of rowWarnings) if (this.warnings.length < MAX_ERRORS_KEPT) this.warnings.push(w);
  }

  /** After each row: writes a chunk now and then, so progress shows. */
  async rowDone(): Promise<void> {
    if (this.staged.length >= CHUNK || this.counts.processed % CHUNK === 0) await this.flush(false);
  }

  /**
   * Writes the rows staged so far and the counts. A chunk is written while
   * the next rows are read (at most one chunk in flight); the final flush
   * waits for everything.
   */
  async flush(final: boolean, preview: ImportPreview | null = null): Promise<void> {
    await this.writing;
    const chunk = this.staged;
    this.staged = [];
    const counts = { ...this.counts };
    const { errors, warnings, importId } = this;
    const write = this.db.transaction().execute(async (trx) => {
      // the chunk as one JSON array, spelled by hand around each row's JSON
      // (already text): one parameter, parsed once by the database
      if (chunk.length) {
        const rows = chunk
          .map(
            (c) =>
              `[${c.row_number},"${c.action}",${c.project_id ?? 'null'},${c.project_version ?? 'null'},${c.data}]`,
          )
          .join(',');
        await sql`
          insert into project_import_rows (import_id, row_number, action, project_id, project_version, data)
          select ${importId}::int, (e->>0)::int, e->>1, (e->>2)::int, (e->>3)::int, e->4
          from jsonb_array_elements(${`[${rows}]`}::jsonb) e`.execute(trx);
      }
      await trx
        .updateTable('project_imports')
        .set({
          processed_rows: counts.processed,
          valid_rows: counts.valid,
          create_rows: counts.create,
          update_rows: counts.update,
          unchanged_rows: counts.unchanged,
          rejected_rows: counts.rejected,
          warning_rows: counts.warned,
          updated_at: new Date(),
          ...(final
            ? {
                status: 'validated' as const,
                total_rows: counts.processed,
                errors: JSON.stringify(errors),
                warnings: JSON.stringify(warnings),
                preview: preview ? JSON.stringify(preview) : null,
              }
            : {}),
        })
        .where('id', '=', importId)
        .execute();
    });
    if (final) return write;
    this.writing = write;
    // seen at the next flush, not as an unhandled rejection
    write.catch(() => {});
  }
}

type LockedImport = Awaited<ReturnType<typeof getImportInScope>>;

/** The applies running now in this process (marked 'applying'), by import id. */
export const applying = new Set<number>();

/**
 * The apply step. The import is first marked 'applying' in a short
 * transaction of its own, so another tab sees it and a second click is
 * refused; then, in one transaction, `apply` writes its staged rows
 * (throwing rolls everything back and puts the import back to 'validated'
 * with the reason), the import is marked applied and audited with what
 * `apply` reports, and the file is removed.
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
  await db.transaction().execute(async (trx) => {
    const imp = await getImportInScope(trx, actor, id, kind, true);
    if (imp.status !== 'validated') throw new DomainError('IMPORT_NOT_READY');
    if (imp.create_rows + imp.update_rows === 0) throw new DomainError('IMPORT_NOTHING_VALID');
    await trx
      .updateTable('project_imports')
      .set({ status: 'applying', failure: null, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  });
  applying.add(id);
  try {
    const done = await db.transaction().execute(async (trx) => {
      const imp = await getImportInScope(trx, actor, id, kind, true);
      const figures = await apply(trx, imp);
      const done = await trx
        .updateTable('project_imports')
        .set({
          status: 'applied',
          applied_at: new Date(),
          file_path: null,
        })
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
      return { done, path: imp.file_path };
    });
    if (done.path) await rm(done.path, { force: true });
    return presentImport(done.done);
  } catch (err) {
    const message = err instanceof DomainError || err instanceof Error ? err.message : String(err);
    await db
      .updateTable('project_imports')
      .set({ status: 'validated', failure: `导入未完成，未写入任何数据：${message}` })
      .where('id', '=', id)
      .execute();
    throw err;
  } finally {
    applying.delete(id);
  }
}
