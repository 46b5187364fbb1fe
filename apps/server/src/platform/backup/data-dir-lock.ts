import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// PGlite's own postmaster.pid holds a fake pid (-42) and survives a kill -9,
// so it cannot tell a running server from a crashed one: this file can.
export const LOCK_FILE = 'xiangmu.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process (not this one) that has the embedded database open, if any. */
export function dataDirHolder(dataDir: string): number | null {
  try {
    const pid = Number(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Marks the data directory as open by this process; refuses when another
 * live process has it (two PGlite instances on one directory corrupt it).
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const holder = dataDirHolder(dataDir);
  if (holder)
    throw new Error(
      `嵌入式数据库 ${dataDir} 正被另一个进程（${holder}）使用：请先停止它 (data directory in use by pid ${holder})`,
    );
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  writeFileSync(path, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
  return () => {
    try {
      if (Number(JSON.parse(readFileSync(path, 'utf8')).pid) === process.pid) rmSync(path);
    } catch {
      // already gone
    }
  };
}
