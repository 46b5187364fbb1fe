export { backupRoutes } from './backup.routes';
export type { BackupSource } from './backup.service';
