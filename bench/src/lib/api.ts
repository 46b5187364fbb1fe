// The API server as the benchmarks run it (`node scripts/start.mjs`, built
// beforehand), demo logins, and the memory of the server process.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import {
  HOST,
  apiCommand,
  freePort,
  request,
  serverEnv,
  spawnTracked,
  waitFor200,
  type Spawned,
} from './harness';

export const DEMO_PASSWORD = 'Xiangmu@2026';

export interface ApiServer {
  proc: Spawned;
  base: string;
}

/**
 * starts `node scripts/start.mjs` (or `opts.command`, such as the bundle
 * itself) on a free port and waits for GET /healthz
 */
export async function startApiServer(
  env: Record<string, string>,
  opts: { logLevel: string; timeoutMs: number; command?: readonly string[] },
): Promise<ApiServer> {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const proc = spawnTracked(
    opts.command ?? apiCommand,
    serverEnv({ PORT: String(port), HOST, LOG_LEVEL: opts.logLevel, ...env }),
  );
  await waitFor200(`${base}/healthz`, proc, { timeoutMs: opts.timeoutMs, everyMs: 50 });
  return { proc, base };
}

export interface Session {
  /** the `Cookie` header value */
  cookie: string;
  /** for the x-csrf-token header of writes */
  csrf: string;
}

export async function login(base: string, username: string): Promise<Session> {
  const res = await request(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const sid = (res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('xm_sid='));
  if (res.status !== 200 || !sid)
    throw new Error(`login as ${username} failed (${res.status}): ${res.body}`);
  const { csrfToken } = JSON.parse(res.body) as { csrfToken: string };
  return { cookie: sid, csrf: csrfToken };
}

// ---------------------------------------------------------------- memory

/**
 * start.mjs runs the server bundle as its own child: the pid of that node
 * process (the one whose memory counts), found through /proc.
 */
export function serverPid(startPid: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces, so split after ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== startPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('api.mjs')) return Number(entry);
    } catch {
      // the process went away meanwhile
    }
  }
  throw new Error(`no api.mjs child of start.mjs (pid ${startPid}) found in /proc`);
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes */
export function memoryOf(pid: number | 'self'): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/**
 * Tracks a process's peak RSS over one phase: resets the kernel's VmHWM to
 * the current RSS (`echo 5 > /proc/<pid>/clear_refs`), so the peak read at
 * the end belongs to this phase only; also samples VmRSS every 20 ms in case
 * the reset is not allowed.
 */
export function trackPeakRss(pid: number) {
  let reset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    reset = false;
  }
  const before = memoryOf(pid).rss;
  let sampled = before;
  const timer = setInterval(() => {
    try {
      sampled = Math.max(sampled, memoryOf(pid).rss);
    } catch {
      // exited
    }
  }, 20);
  return {
    /** RSS when tracking began, and the peak since then */
    stop(): { before: number; peak: number; exact: boolean } {
      clearInterval(timer);
      const now = memoryOf(pid);
      return { before, peak: Math.max(sampled, reset ? now.peak : now.rss), exact: reset };
    },
  };
}

export const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
