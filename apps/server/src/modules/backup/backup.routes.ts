import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import { takeBackup, type BackupSource } from './backup.service';

export function backupRoutes(source: BackupSource) {
  return (app: ApiApp, { db }: AppContext) => {
    app.get(
      '/api/system/backup',
      {
        schema: {
          tags: ['系统'],
          summary:
            '下载数据库备份（市级管理员）：嵌入式数据库为 .tar.gz，PostgreSQL 为含 pg_dump 文件的 .tar；用 npm run restore 恢复',
        },
      },
      async (req, reply) => {
        const b = await takeBackup(db, source, actorOf(req));
        return reply
          .header('content-type', b.engine === 'pglite' ? 'application/gzip' : 'application/x-tar')
          .header('content-disposition', `attachment; filename="${b.filename}"`)
          .header('cache-control', 'no-store')
          .send(b.stream);
      },
    );
  };
}
