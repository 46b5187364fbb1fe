import type { Readable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { defaultBackupName } from '../../platform/backup/archive';
import { createEmbeddedBackup } from '../../platform/backup/embedded';
import { createPostgresBackup } from '../../platform/backup/postgres';
import type { Db } from '../../platform/database/db';
import { recordAudit } from '../audit';
import { assertCan, auditActorOf, type Actor } from '../access';

/** The database being served: the embedded instance, or the server's URL. */
export interface BackupSource {
  pglite?: PGlite | undefined;
  databaseUrl?: string | undefined;
}

/**
 * A backup of the whole database as it is now, for a city admin. Audited
 * first, so the backup holds the row saying who took it.
 */
export async function takeBackup(
  db: Db,
  source: BackupSource,
  actor: Actor,
): Promise<{ filename: string; engine: 'pglite' | 'postgres'; stream: Readable }> {
  assertCan(actor, 'system.backup');
  const engine = source.databaseUrl ? 'postgres' : 'pglite';
  await recordAudit(db, auditActorOf(actor), {
    action: 'system.backup',
    entityType: 'system',
    after: { engine },
  });
  const { manifest, stream } = source.databaseUrl
    ? await createPostgresBackup(db, source.databaseUrl)
    : await createEmbeddedBackup(db, source.pglite!);
  return { filename: defaultBackupName(manifest.engine), engine, stream };
}
