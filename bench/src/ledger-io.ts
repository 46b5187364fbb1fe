// Excel ledgers in and out, on embedded PGlite and on PostgreSQL, at 20 000
// and 100 000 rows in one run: the server's import wizard end to end
// (upload → mapping → validated → applied) against exceljs' bare streaming
// read of the same file, the export against exceljs' bare streaming write of
// the same look, the server's peak RSS, and the latency of GET /api/me polled
// by a second client during the import.
//
//   npm run bench:ledger -w bench
//   BENCH_LEDGER_ROWS=20000,100000        ledger sizes (rows)
//   BENCH_LEDGER_ENGINES=pglite,postgres  engines
//   BENCH_DATABASE_URL=postgres://…       the PostgreSQL server for scratch databases
//                                         (default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_LEDGER_EXPORT_RUNS=2            turns of the bare write and the export
//   BENCH_LOG_LEVEL=warn                  the API server's LOG_LEVEL
//   BENCH_LEDGER_CPU_PROF=/tmp/prof       the measured server runs with node --cpu-prof
//   BENCH_LEDGER_PG_LOG_MS=100            PostgreSQL logs the statements slower than that
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleCommand,
  envNumber,
  machineLine,
  prepareBuild,
  quietnessLine,
  removeTempDir,
  repoRoot,
  request,
  runBenchmark,
  saveResults,
  spawnTracked,
  stopChild,
  table,
  tempDir,
} from './lib/harness';
import { login, mb, serverPid, startApiServer, trackPeakRss, type Session } from './lib/api';
import { loadPg, runOnce, scratchDatabase } from './lib/postgres';
import type { WorkerResult } from './ledger-worker';

const list = (name: string, fallback: string) =>
  (process.env[name] || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const SIZES = list('BENCH_LEDGER_ROWS', '20000,100000').map((s) => {
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_LEDGER_ROWS: "${s}" is not a count`);
  return n;
});
const ENGINES = list('BENCH_LEDGER_ENGINES', 'pglite,postgres') as Array<'pglite' | 'postgres'>;
for (const e of ENGINES)
  if (e !== 'pglite' && e !== 'postgres')
    throw new Error(`BENCH_LEDGER_ENGINES: "${e}" is neither pglite nor postgres`);
const pgAdminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const EXPORT_RUNS = Math.round(envNumber('BENCH_LEDGER_EXPORT_RUNS', 2));
/** a directory: the measured server runs with node --cpu-prof, its profile written there */
const CPU_PROF = process.env.BENCH_LEDGER_CPU_PROF;
/** PostgreSQL logs the scratch database's statements slower than this (ms) */
const PG_LOG_MS = process.env.BENCH_LEDGER_PG_LOG_MS ? envNumber('BENCH_LEDGER_PG_LOG_MS', 0) : 0;

const IMPORT_TARGET = 0.5;
const EXPORT_TARGET = 0.7;
const RSS_LIMIT = 512 * 2 ** 20;
/** "a 100 000-row file never blocks other users' requests" */
const ME_P99_LIMIT_MS = 200;
const PROBE_EVERY_MS = 50;
const PROBE_MAX = 30_000;

const START_TIMEOUT_MS = 180_000;
const PHASE_TIMEOUT_MS = 20 * 60_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const workerScript = fileURLToPath(new URL('./ledger-worker.ts', import.meta.url));

async function runWorker(mode: string, file: string, rows = 0): Promise<WorkerResult> {
  const proc = spawnTracked(
    [process.execPath, '--import', 'tsx', workerScript, mode, file, String(rows)],
    process.env,
    true,
  );
  return new Promise<WorkerResult>((resolve, reject) => {
    proc.child.once('message', (m) => resolve(m as WorkerResult));
    void proc.exited.then((code) =>
      reject(new Error(`ledger-worker ${mode} exited (${code}):\n${proc.tail()}`)),
    );
  });
}

interface ImportState {
  id: number;
  status: 'mapping' | 'validating' | 'validated' | 'applying' | 'applied' | 'failed';
  processedRows: number;
  createRows: number;
  rejectedRows: number;
  errors: Array<{ row: number; field: string | null; message: string }>;
  failure: string | null;
  layout: { columns: Array<{ header: string; field: string | null }> } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (rows: number, ms: number) => (rows / ms) * 1000;
const fmtInt = (x: number) => Math.round(x).toLocaleString('en');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

type Phase = 'upload' | 'validation' | 'apply';

/**
 * GET /api/me as another user every PROBE_EVERY_MS, open loop: a request is
 * sent on schedule whether or not the earlier ones have answered, and its
 * latency counts from when it was due, so a stalled server shows as the
 * whole stall in every request it held up.
 */
function meProbe(base: string, session: Session) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const samples: Array<{ phase: Phase; ms: number; status: number }> = [];
  let phase: Phase = 'upload';
  let sent = 0;
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  const tick = () => {
    if (stopped || sent >= PROBE_MAX) return;
    const due = t0 + sent * PROBE_EVERY_MS;
    sent++;
    const at = phase;
    const p = request(`${base}/api/me`, {
      headers: { cookie: session.cookie },
      agent,
      timeoutMs: PHASE_TIMEOUT_MS,
    })
      .then(
        (r) => samples.push({ phase: at, ms: performance.now() - due, status: r.status }),
        () => samples.push({ phase: at, ms: performance.now() - due, status: 0 }),
      )
      .then(() => void inflight.delete(p));
    inflight.add(p);
    timer = setTimeout(tick, Math.max(0, t0 + sent * PROBE_EVERY_MS - performance.now()));
  };
  let timer = setTimeout(tick, 0);
  return {
    setPhase: (p: Phase) => (phase = p),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...inflight]);
      agent.destroy();
      return samples;
    },
  };
}

function latency(xs: number[]) {
  if (!xs.length) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}
type Latency = ReturnType<typeof latency>;
const fmtLat = (l: Latency) =>
  l.n ? `p50 ${Math.round(l.p50)} / p99 ${Math.round(l.p99)} / max ${Math.round(l.max)} ms` : '—';

/** upload → mapping accepted → validated → applied, timed per phase, /api/me probed throughout */
async function importLedger(
  base: string,
  session: Session,
  prober: Session,
  file: string,
  rows: number,
  pid: number,
) {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  const json = { ...headers, 'content-type': 'application/json' };
  const body = readFileSync(file);
  const mem = trackPeakRss(pid);
  const probe = meProbe(base, prober);
  try {
    const t0 = performance.now();
    const up = await request(`${base}/api/projects/imports?filename=bench-ledger.xlsx`, {
      method: 'POST',
      headers: { ...headers, 'content-type': XLSX },
      body,
      timeoutMs: 120_000,
    });
    if (up.status !== 200) throw new Error(`upload answered ${up.status}: ${up.body}`);
    const uploaded = JSON.parse(up.body) as ImportState;
    if (uploaded.status !== 'mapping')
      throw new Error(`upload ended ${uploaded.status}: ${uploaded.failure ?? ''}`);
    const unmapped = uploaded.layout!.columns.filter((c) => !c.field).map((c) => c.header);
    const tUploaded = performance.now();
    probe.setPhase('validation');
    const mapped = await request(`${base}/api/projects/imports/${uploaded.id}/mapping`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ columns: [] }),
      timeoutMs: 60_000,
    });
    if (mapped.status !== 200) throw new Error(`mapping answered ${mapped.status}: ${mapped.body}`);
    let state: ImportState;
    for (;;) {
      const res = await request(`${base}/api/projects/imports/${uploaded.id}`, {
        headers,
        timeoutMs: PHASE_TIMEOUT_MS,
      });
      if (res.status !== 200) throw new Error(`GET import answered ${res.status}: ${res.body}`);
      state = JSON.parse(res.body) as ImportState;
      if (state.status !== 'validating') break;
      if (process.stdout.isTTY)
        process.stdout.write(`\r    validating: ${fmtInt(state.processedRows)} rows … `);
      if (performance.now() - t0 > PHASE_TIMEOUT_MS) throw new Error('validation took too long');
      await sleep(250);
    }
    const tValidated = performance.now();
    if (state.status !== 'validated')
      throw new Error(`the import ended ${state.status}: ${state.failure ?? ''}`);
    if (state.createRows + state.rejectedRows !== rows)
      throw new Error(
        `expected ${rows} rows, got ${state.createRows} new and ${state.rejectedRows} rejected: ${JSON.stringify(state.errors.slice(0, 3))}`,
      );
    const validationPeak = mem.stop();
    process.stdout.write(`validated; applying … `);
    probe.setPhase('apply');
    const applyMem = trackPeakRss(pid);
    const applied = await request(`${base}/api/projects/imports/${uploaded.id}/apply`, {
      method: 'POST',
      headers: json,
      body: '{}',
      timeoutMs: PHASE_TIMEOUT_MS,
    });
    if (applied.status !== 200)
      throw new Error(`apply answered ${applied.status}: ${applied.body}`);
    const tApplied = performance.now();
    const applyPeak = applyMem.stop();
    const samples = await probe.stop();
    console.log('applied');
    const of = (p?: Phase) => latency(samples.filter((s) => !p || s.phase === p).map((s) => s.ms));
    return {
      created: state.createRows,
      rejected: state.rejectedRows,
      firstErrors: state.errors.slice(0, 3),
      unmapped,
      uploadMs: tUploaded - t0,
      validateMs: tValidated - tUploaded,
      applyMs: tApplied - tValidated,
      totalMs: tApplied - t0,
      rss: {
        before: validationPeak.before,
        validation: validationPeak.peak,
        apply: applyPeak.peak,
        peak: Math.max(validationPeak.peak, applyPeak.peak),
        exact: validationPeak.exact && applyPeak.exact,
      },
      me: {
        all: of(),
        upload: of('upload'),
        validation: of('validation'),
        apply: of('apply'),
        failed: samples.filter((s) => s.status !== 200).length,
      },
    };
  } finally {
    await probe.stop();
  }
}

/** GET the export into a file: time to the first byte and to the last */
function download(url: string, cookie: string, file: string) {
  return new Promise<{ status: number; bytes: number; firstByteMs: number; ms: number }>(
    (resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(url, { headers: { cookie }, agent: false }, (res) => {
        const firstByteMs = performance.now() - t0;
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        const out = createWriteStream(file);
        res.pipe(out);
        out.on('finish', () =>
          resolve({ status: res.statusCode ?? 0, bytes, firstByteMs, ms: performance.now() - t0 }),
        );
        res.on('error', reject);
        out.on('error', reject);
      });
      req.setTimeout(PHASE_TIMEOUT_MS, () => req.destroy(new Error(`timeout: ${url}`)));
      req.on('error', reject);
    },
  );
}

/** one engine at one size: a fresh database, a restarted server, import then export */
async function runCase(engine: 'pglite' | 'postgres', rows: number, ledger: string) {
  const dir = tempDir(`ledger-${engine}`);
  let dropDb: (() => Promise<void>) | null = null;
  try {
    let dbEnv: Record<string, string>;
    if (engine === 'postgres') {
      const url = await scratchDatabase(pgAdminUrl);
      const name = new URL(url).pathname.slice(1);
      const { pg } = await loadPg();
      dropDb = () => runOnce(pg, pgAdminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      // the server's slow statements in PostgreSQL's log (needs superuser)
      if (PG_LOG_MS)
        await runOnce(
          pg,
          pgAdminUrl,
          `ALTER DATABASE "${name}" SET log_min_duration_statement = ${PG_LOG_MS}`,
        );
      dbEnv = { XIANGMU_DEMO_SEED: 'on', DATABASE_URL: url };
    } else dbEnv = { XIANGMU_DEMO_SEED: 'on', XIANGMU_DATA_DIR: join(dir, 'data') };

    // the fastest of three turns: one cold or disturbed turn must not flatter the server
    process.stdout.write('    (a) exceljs bare streaming read (best of 3) … ');
    let bareRead = await runWorker('read', ledger);
    for (let turn = 1; turn < 3; turn++) {
      const again = await runWorker('read', ledger);
      if (again.ms < bareRead.ms) bareRead = again;
    }
    console.log(`${secs(bareRead.ms)}, ${fmtInt(rate(rows, bareRead.ms))} rows/s`);

    // a cold start creates and seeds the database; the measured server is a restart
    process.stdout.write('    starting the API server (cold, then restarted) … ');
    const cold = await startApiServer(dbEnv, { logLevel, timeoutMs: START_TIMEOUT_MS });
    await stopChild(cold.proc.child);
    // with BENCH_LEDGER_CPU_PROF the bundle runs itself (start.mjs's node would be profiled instead)
    const server = await startApiServer(dbEnv, {
      logLevel,
      timeoutMs: START_TIMEOUT_MS,
      ...(CPU_PROF
        ? {
            command: [
              process.execPath,
              '--cpu-prof',
              `--cpu-prof-dir=${CPU_PROF}/${engine}-${rows}`,
              ...bundleCommand.slice(1),
            ],
          }
        : {}),
    });
    try {
      const pid = CPU_PROF ? server.proc.child.pid! : serverPid(server.proc.child.pid!);
      const session = await login(server.base, 'jk_admin');
      const prober = await login(server.base, 'jk_leader');
      console.log(`ready (pid ${pid})`);

      console.log('    (b) the server importing it: upload → mapping → validated → applied');
      const imported = await importLedger(server.base, session, prober, ledger, rows, pid);
      console.log(
        `    ${secs(imported.totalMs)}: upload+header ${secs(imported.uploadMs)}, validation ${secs(imported.validateMs)}, apply ${secs(imported.applyMs)}; peak RSS ${mb(imported.rss.validation)} / ${mb(imported.rss.apply)}; /api/me ${fmtLat(imported.me.all)} (apply: ${fmtLat(imported.me.apply)})`,
      );
      if (imported.rejected)
        console.log(
          `    ${imported.rejected} rows rejected (exceljs garbled ${bareRead.corrupted}); first: ${JSON.stringify(imported.firstErrors[0])}`,
        );

      const listed = await request(`${server.base}/api/projects?pageSize=1`, {
        headers: { cookie: session.cookie },
        timeoutMs: 60_000,
      });
      const exportRows = (JSON.parse(listed.body) as { total: number }).total;
      const writes: WorkerResult[] = [];
      const exports: Array<
        Awaited<ReturnType<typeof download>> & {
          rss: ReturnType<ReturnType<typeof trackPeakRss>['stop']>;
        }
      > = [];
      for (let i = 0; i < EXPORT_RUNS; i++) {
        const w = await runWorker('write', join(dir, 'bare-write.xlsx'), exportRows);
        writes.push(w);
        const exportFile = join(dir, `export-${i}.xlsx`);
        const track = trackPeakRss(pid);
        const e = await download(`${server.base}/api/projects/export`, session.cookie, exportFile);
        const rss = track.stop();
        if (e.status !== 200) throw new Error(`the export answered ${e.status}`);
        exports.push({ ...e, rss });
        console.log(
          `    (c/d) turn ${i + 1}: bare write ${secs(w.ms)}, export ${secs(e.ms)} (first byte ${Math.round(e.firstByteMs)} ms, peak RSS ${mb(rss.peak)})`,
        );
        if (i === 0) {
          // title, info, two header rows, the projects, 合计
          const check = await runWorker('read', exportFile);
          if (check.rows !== exportRows + 5)
            throw new Error(`the export holds ${check.rows - 5} rows, expected ${exportRows}`);
        }
      }
      const bareWrite = writes.reduce((a, b) => (b.ms < a.ms ? b : a));
      const exported = exports.reduce((a, b) => (b.ms < a.ms ? b : a));
      return {
        engine,
        rows,
        bareRead,
        imported,
        exportRows,
        bareWrite,
        exported,
        exportPeak: Math.max(...exports.map((e) => e.rss.peak)),
        turns: exports.map((e, i) => ({ exportMs: e.ms, writeMs: writes[i]!.ms })),
      };
    } finally {
      await stopChild(server.proc.child);
    }
  } finally {
    removeTempDir(dir);
    await dropDb?.().catch((e) => console.error('drop database:', e));
  }
}

await runBenchmark('ledger-io', 90 * 60_000, async () => {
  prepareBuild();
  console.log(`xiangmu ledger import/export benchmark — ${new Date().toISOString()}`);
  console.log(machineLine());
  console.log(await quietnessLine());
  console.log(
    `API server: node scripts/start.mjs, LOG_LEVEL=${logLevel}, demo account jk_admin (GET /api/me probed as jk_leader every ${PROBE_EVERY_MS} ms)`,
  );
  console.log(
    `engines: ${ENGINES.join(', ')}${ENGINES.includes('postgres') ? ` (scratch databases on ${new URL(pgAdminUrl).host})` : ''}; sizes: ${SIZES.map(fmtInt).join(', ')} rows\n`,
  );
  const dir = tempDir('ledger');
  const results: Array<Awaited<ReturnType<typeof runCase>>> = [];
  const ledgers: Record<number, { bytes: number; ms: number }> = {};
  for (const rows of SIZES) {
    const ledger = join(dir, `ledger-${rows}.xlsx`);
    process.stdout.write(`building a ${fmtInt(rows)}-row district ledger … `);
    const made = await runWorker('make', ledger, rows);
    ledgers[rows] = { bytes: statSync(ledger).size, ms: made.ms };
    console.log(`${secs(made.ms)}, ${mb(ledgers[rows].bytes)} (exceljs ${made.exceljsVersion})`);
    for (const engine of ENGINES) {
      console.log(`  ${engine}, ${fmtInt(rows)} rows:`);
      results.push(await runCase(engine, rows, ledger));
    }
  }

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const lines: string[][] = [['engine', 'rows', 'figure', 'value', 'target', '']];
  const checks: Array<{ engine: string; rows: number; name: string; pass: boolean }> = [];
  for (const r of results) {
    const importRate = rate(r.rows, r.imported.totalMs);
    const readRate = rate(r.rows, r.bareRead.ms);
    const exportRate = rate(r.exportRows, r.exported.ms);
    const writeRate = rate(r.exportRows, r.bareWrite.ms);
    const me = r.imported.me;
    const add = (name: string, value: string, target: string, pass?: boolean) => {
      lines.push([r.engine, fmtInt(r.rows), name, value, target, pass === undefined ? '' : verdict(pass)]);
      if (pass !== undefined) checks.push({ engine: r.engine, rows: r.rows, name, pass });
    };
    add('import, rows/s', fmtInt(importRate), '', undefined);
    add('  upload+header / validation / apply', `${secs(r.imported.uploadMs)} / ${secs(r.imported.validateMs)} / ${secs(r.imported.applyMs)}`, '');
    add('  bare read, rows/s', fmtInt(readRate), '');
    add('import / bare read', pct(importRate / readRate), `≥ ${IMPORT_TARGET * 100} %`, importRate / readRate >= IMPORT_TARGET);
    add('export, rows/s', fmtInt(exportRate), '');
    add('  bare write (same look), rows/s', fmtInt(writeRate), '');
    add('export / bare write', pct(exportRate / writeRate), `≥ ${EXPORT_TARGET * 100} %`, exportRate / writeRate >= EXPORT_TARGET);
    add('peak RSS, import', mb(r.imported.rss.peak), `≤ ${mb(RSS_LIMIT)}`, r.imported.rss.peak <= RSS_LIMIT);
    add('peak RSS, export', mb(r.exportPeak), `≤ ${mb(RSS_LIMIT)}`, r.exportPeak <= RSS_LIMIT);
    add('/api/me during import, p50 / max', `${Math.round(me.all.p50)} / ${Math.round(me.all.max)} ms`, '');
    add('/api/me during import, p99', `${Math.round(me.all.p99)} ms`, `≤ ${ME_P99_LIMIT_MS} ms`, me.all.p99 <= ME_P99_LIMIT_MS && me.failed === 0);
    add('  … p99 in upload / validation / apply', `${Math.round(me.upload.p99)} / ${Math.round(me.validation.p99)} / ${Math.round(me.apply.p99)} ms`, '');
  } // prettier-ignore
  console.log('\n' + table(lines));
  if (results.some((r) => !r.imported.rss.exact))
    console.log('(peak RSS sampled every 20 ms: /proc/<pid>/clear_refs not allowed)');
  const passed = checks.filter((c) => c.pass).length;
  console.log(`\n${passed}/${checks.length} targets PASS`);

  const file = saveResults('ledger-io', {
    date: new Date().toISOString(),
    machine: machineLine(),
    engines: ENGINES,
    sizes: SIZES,
    ledgers,
    results,
    checks,
  });
  console.log(`figures saved to ${relative(repoRoot, file)}`);
});
