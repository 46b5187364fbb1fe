// Shared plumbing for the benchmarks: the repo's paths, child processes that
// are always cleaned up, HTTP probes against 127.0.0.1, and small statistics.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST, repoRoot, startScript, webDist } from './paths';

export {
  HOST,
  apiCommand,
  bundleCommand,
  importFromServer,
  repoRoot,
  startScript,
  webDist,
} from './paths';

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

// ---------------------------------------------------------------- cleanup

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const cleanups: Array<() => Promise<void>> = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xiangmu-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** async cleanup run before the process exits (normally or by the watchdog) */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

function killAllSync(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

let finishing: ((code: number) => Promise<void>) | undefined;

process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the benchmark`);
    if (finishing) void finishing(130);
    else process.exit(130);
  });

/**
 * Runs the benchmark body under a hard time limit; every child it started is
 * stopped and every temp dir removed however it ends.
 */
export async function runBenchmark(name: string, limitMs: number, body: () => Promise<void>) {
  let started = false;
  const finish = async (code: number) => {
    if (started) return;
    started = true;
    // cleanup gets 20 s at most; the exit handler then kills what is left
    setTimeout(() => process.exit(code), 20_000).unref();
    await Promise.all([...children].map((c) => stopChild(c, 10_000)));
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((e) => console.error('cleanup:', e));
    process.exit(code);
  };
  finishing = finish;
  const watchdog = setTimeout(() => {
    console.error(`\n${name}: gave up after ${Math.round(limitMs / 1000)} s (time limit)`);
    void finish(1);
  }, limitMs);
  watchdog.unref();
  try {
    await body();
  } catch (err) {
    console.error(`\n${name} failed:`, err instanceof Error ? err.message : err);
    clearTimeout(watchdog);
    return finish(1);
  }
  clearTimeout(watchdog);
  return finish(0);
}

// ---------------------------------------------------------------- processes

export interface Spawned {
  child: ChildProcess;
  /** the last lines the child printed, for error messages */
  tail(): string;
  /** resolves when the child has exited */
  exited: Promise<number | null>;
}

export function spawnTracked(cmd: readonly string[], env: NodeJS.ProcessEnv, ipc = false): Spawned {
  const [file, ...args] = cmd;
  const child = spawn(file!, args, {
    cwd: repoRoot,
    env,
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, tail: () => lines.join('\n') };
}

/** SIGTERM (the server closes PGlite cleanly on it), SIGKILL after `graceMs` */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

/** a port that was free a moment ago (the server is told it via PORT) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The environment the API server gets: the caller's, without anything that
 * could point it at another database or port, plus `extra`.
 */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(DATABASE_URL|PORT|HOST|LOG_LEVEL|XIANGMU_.*)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/**
 * Builds what `npm start` would build (web UI, server bundle) before anything
 * is timed, so the figures are those of a start with nothing to build.
 */
export function prepareBuild(): void {
  const res = spawnSync(process.execPath, [startScript, '--build-only'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('npm run build failed');
}

/**
 * For benchmarks of the API alone: the server bundle is rebuilt (esbuild, a
 * few seconds), the web UI only when apps/web/dist has no index.html — a
 * built UI is reused even if its sources are newer, so the run never starts
 * a vite build next to someone else's. Start the server with `bundleCommand`.
 * Returns whether the web UI was reused.
 */
export function prepareServerBuild(): { webReused: boolean } {
  if (!existsSync(join(webDist, 'index.html'))) {
    prepareBuild();
    return { webReused: false };
  }
  const res = spawnSync(process.execPath, [join(repoRoot, 'scripts/build-server.mjs')], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error('building the server bundle failed');
  return { webReused: true };
}

export const webDistNote = () => 'apps/web/dist and apps/server/dist, built before timing';

// ---------------------------------------------------------------- HTTP

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
    /** a keep-alive agent to reuse connections; by default each request opens its own */
    agent?: http.Agent;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: opts.agent ?? false,
        timeout: opts.timeoutMs ?? 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `url` every `everyMs` until it answers 200; rejects if the process
 * exits first or `timeoutMs` passes.
 */
export async function waitFor200(
  url: string,
  proc: Spawned,
  opts: { timeoutMs: number; everyMs?: number },
): Promise<void> {
  const deadline = performance.now() + opts.timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the server exited before ${url} answered 200:\n${proc.tail()}`);
    try {
      const res = await request(url, { timeoutMs: 2_000 });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${opts.timeoutMs} ms:\n${proc.tail()}`);
    await sleep(opts.everyMs ?? 10);
  }
}

// ---------------------------------------------------------------- figures

export function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

/** left-aligned first column, right-aligned others */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, w: number, left: boolean) =>
    left ? s + ' '.repeat(w - [...s].length) : ' '.repeat(w - [...s].length) + s;
  return rows.map((r) => r.map((c, i) => pad(c, widths[i]!, i === 0)).join('  ')).join('\n');
}

export function machineLine(): string {
  const model = cpus()[0]?.model.trim();
  return `node ${process.version}, ${availableParallelism()} CPU(s)${model ? ` (${model})` : ''}, ${process.platform}`;
}

/** share of all CPUs busy over `ms`, to flag a machine that is not quiet */
export async function cpuBusy(ms = 1_000): Promise<number> {
  const snap = () =>
    cpus().reduce(
      (acc, c) => {
        const t = c.times;
        acc.idle += t.idle;
        acc.total += t.user + t.nice + t.sys + t.idle + t.irq;
        return acc;
      },
      { idle: 0, total: 0 },
    );
  const a = snap();
  await sleep(ms);
  const b = snap();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

export async function quietnessLine(): Promise<string> {
  const busy = await cpuBusy();
  const pct = Math.round(busy * 100);
  return busy > 0.15
    ? `WARNING: the machine was ${pct}% busy before the run (other processes); figures will be low and noisy`
    : `machine idle before the run (${pct}% CPU busy)`;
}

/** keeps a JSON copy of the figures in bench/results/ (git-ignored) */
export function saveResults(name: string, data: unknown): string {
  const dir = join(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
