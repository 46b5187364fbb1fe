// The API process rides through its PostgreSQL server going away: a private
// throwaway cluster (never the shared one other test files use) is killed
// under load three ways while the real API process serves requests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessages } from '@xiangmu/contracts';

const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'Ride-Through-2026';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions)
    if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return name; // on the PATH
}

/** initdb refuses root: run the cluster's binaries as the postgres user then */
function asOwner(cmd: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd;
}

function run(cmd: string[]): void {
  const res = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0)
    throw new Error(`${cmd.join(' ')} failed (${res.status}): ${res.stderr}${res.stdout}`);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'xm-ride-through-'));
  readonly data = join(this.dir, 'data');
  constructor(readonly port: number) {
    const owner = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (process.getuid?.() === 0)
      chownSync(this.dir, Number(owner.stdout.trim()), Number(group.stdout.trim()));
  }
  init(): void {
    run(asOwner([pgBin('initdb'), '-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync']));
  }
  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    run(
      asOwner([
        pgBin('pg_ctl'),
        '-D',
        this.data,
        '-o',
        opts,
        '-l',
        join(this.dir, 'log'),
        '-w',
        'start',
      ]),
    );
  }
  stop(mode: 'fast' | 'immediate'): void {
    run(asOwner([pgBin('pg_ctl'), '-D', this.data, '-m', mode, '-w', 'stop']));
  }
  remove(): void {
    if (existsSync(join(this.data, 'postmaster.pid'))) {
      try {
        this.stop('immediate');
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
  url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
}

interface Outcome {
  at: number;
  kind: 'read' | 'write' | 'health';
  status: number; // 0: no answer (connection dropped or timed out)
  code?: string;
  message?: string;
  id?: number;
}

let cluster: Cluster;
let api: ChildProcess;
let base: string;
let cookie: string;
let csrf: string;
let exited: { code: number | null; signal: string | null } | undefined;
const apiOutput: string[] = [];
const outcomes: Outcome[] = [];

async function call(kind: Outcome['kind'], path: string, body?: unknown): Promise<Outcome> {
  const at = Date.now();
  try {
    const res = await fetch(base + path, {
      method: body ? 'POST' : 'GET',
      headers: {
        cookie,
        ...(body ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json()) as { code?: string; message?: string; id?: number };
    return { at, kind, status: res.status, code: json.code, message: json.message, id: json.id };
  } catch (err) {
    return { at, kind, status: 0, message: String(err) };
  }
}

/** `workers` loops of reads and writes (department creations) until stopped */
function load(workers: number) {
  let stop = false;
  let seq = 0;
  const loops = Array.from({ length: workers }, async (_, w) => {
    while (!stop) {
      const o =
        w % 2
          ? await call('write', '/api/departments', {
              name: `断线测试部门${++seq}`,
              regionCode: '410100',
            })
          : await call('read', '/api/departments');
      outcomes.push(o);
      // during an outage answers come at once: do not spin
      if (o.status !== 200) await sleep(20);
    }
  });
  return async () => {
    stop = true;
    await Promise.all(loops);
  };
}

/** waits until a read succeeds; returns how long it took */
async function recovery(limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if (exited)
      throw new Error(`the API process exited (${JSON.stringify(exited)}):\n${apiOutput.join('')}`);
    const o = await call('read', '/api/departments');
    if (o.status === 200) return Date.now() - t0;
    await sleep(50);
  }
  throw new Error(`no successful read within ${limitMs} ms`);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: cluster.url() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  cluster = new Cluster(await freePort());
  cluster.init();
  cluster.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(DATABASE_URL|PORT|HOST|LOG_LEVEL|XIANGMU_.*)$/.test(k)) env[k] = v;
  api = spawn(process.execPath, ['--import', 'tsx', 'src/entrypoints/api.ts'], {
    cwd: serverDir,
    env: {
      ...env,
      DATABASE_URL: cluster.url(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      XIANGMU_ADMIN_PASSWORD: PASSWORD,
      XIANGMU_DEMO_SEED: 'off',
      XIANGMU_WORKER: 'on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => {
    apiOutput.push(b.toString());
    if (apiOutput.length > 200) apiOutput.splice(0, 100);
  };
  api.stdout!.on('data', keep);
  api.stderr!.on('data', keep);
  api.once('exit', (code, signal) => (exited = { code, signal }));
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`the API exited on start:\n${apiOutput.join('')}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error(`the API did not start:\n${apiOutput.join('')}`);
    await sleep(100);
  }
  await admin((c) =>
    c.query(`update users set must_change_password = false where username = 'admin'`),
  );
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
}, 90_000);

afterAll(async () => {
  if (api && !exited) {
    const gone = new Promise((r) => api.once('exit', r));
    api.kill('SIGTERM');
    const t = setTimeout(() => api.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(t);
  }
  cluster?.remove();
});

describe('the API process and a PostgreSQL server that goes away', () => {
  it('answers 503 with a Chinese message while the database is gone, recovers within seconds, never exits, loses no acknowledged write', async () => {
    const stopLoad = load(16);
    await sleep(1_000);

    // (a) every connection of the API killed by an administrator, five times
    for (let i = 0; i < 5; i++) {
      await admin((c) =>
        c.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where backend_type = 'client backend' and pid <> pg_backend_pid()`,
        ),
      );
      await sleep(200);
    }
    const afterKill = await recovery(5_000);

    // (b) a clean fast shutdown and start; (c) a crash (immediate) and start
    const recoveries: number[] = [];
    const down: Outcome[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      await sleep(800);
      cluster.stop(mode);
      const from = Date.now();
      await sleep(1_000);
      down.push(await call('health', '/healthz'));
      const until = Date.now();
      down.push(...outcomes.filter((o) => o.at >= from && o.at < until));
      cluster.start();
      recoveries.push(await recovery(10_000));
    }
    await sleep(1_000);
    await stopLoad();

    const unexpected = outcomes.filter((o) => ![200, 503].includes(o.status));
    expect(exited, apiOutput.join('')).toBeUndefined();
    expect(unexpected.slice(0, 5), apiOutput.slice(-20).join('')).toEqual([]);
    // while it was down: 503 with the Chinese message, /healthz included
    expect(down.length).toBeGreaterThan(10);
    for (const o of down) {
      expect(o.status).toBe(503);
      expect(o).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        message: errorMessages.DATABASE_UNAVAILABLE,
      });
    }
    expect(down.some((o) => o.kind === 'health')).toBe(true);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(10);
    // answering again within seconds of the database
    expect(afterKill).toBeLessThan(5_000);
    for (const ms of recoveries) expect(ms).toBeLessThan(5_000);
    // the load kept going through every phase and ended on successes
    expect(outcomes.slice(-16).filter((o) => o.status < 300).length).toBeGreaterThan(8);

    // every acknowledged write is there, each with its audit row
    const acked = outcomes.filter((o) => o.kind === 'write' && o.status === 200).map((o) => o.id!);
    expect(acked.length).toBeGreaterThan(20);
    const { rows } = await admin((c) =>
      c.query<{ id: number; audited: boolean }>(
        `select d.id, exists (select 1 from audit_log a
                               where a.entity_type = 'department' and a.entity_id = d.id::text
                                 and a.action = 'department.created') as audited
           from departments d where d.id = any($1::int[])`,
        [acked],
      ),
    );
    expect(rows.length).toBe(new Set(acked).size);
    expect(rows.every((r) => r.audited)).toBe(true);
  }, 60_000);
});
