/**
 * What the browser tests need: the real server as a child process on a fresh
 * embedded database, Debian's Chromium driven by playwright-core, and
 * screenshots in e2e/artifacts/.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'e2e/artifacts');
export const ADMIN_INITIAL_PASSWORD = 'Init-Pass-2026';
/** the password of every demo account (the server's demo seed) */
export const DEMO_PASSWORD = 'Xiangmu@2026';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The tests exercise the built UI; building it is the job of the test script (npm test). */
export function requireWebBuild(): void {
  const index = join(REPO_ROOT, 'apps/web/dist/index.html');
  if (!existsSync(index))
    throw new Error(
      `缺少前端构建产物 ${index}。请先运行 \`npm run build -w apps/web\`（根目录的 npm test 会先构建）。\n` +
        `Missing the web build; run \`npm run build -w apps/web\` first.`,
    );
  if (!existsSync(CHROMIUM))
    throw new Error(
      `找不到 Chromium：${CHROMIUM}（apt-get install chromium fonts-noto-cjk，或设置 CHROMIUM_PATH）`,
    );
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** What a test needs to know of a running server (plain data: it is passed from globalSetup). */
export interface ServerInfo {
  url: string;
  /** a scratch directory of this server's tests (the fixtures keep sessions there), gone with the server */
  stateDir: string;
}

export interface RunningServer extends ServerInfo {
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx apps/server/src/entrypoints/api.ts` on a free port
 * with an empty PGlite data dir, the known admin password and the demo data,
 * and waits for GET /healthz.
 */
export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xiangmu-e2e-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'xiangmu-e2e-state-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    XIANGMU_DATA_DIR: dataDir,
    XIANGMU_ADMIN_PASSWORD: ADMIN_INITIAL_PASSWORD,
    XIANGMU_DEMO_SEED: 'on',
    LOG_LEVEL: 'warn',
  };
  // always the embedded database and the web build of this checkout
  delete env.DATABASE_URL;
  delete env.XIANGMU_WEB_DIST;

  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/entrypoints/api.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: number | string | null = null;
  let stopping = false;
  const exit = new Promise<void>((ok) =>
    child.on('exit', (code, signal) => {
      exited = code ?? signal ?? 'unknown';
      // the tests learn of a server that went away unasked (serverGone)
      if (!stopping)
        writeFileSync(join(stateDir, GONE_FILE), `退出码 ${exited}，最后的输出：\n${output}`);
      ok();
    }),
  );

  const stop = async () => {
    stopping = true;
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`服务器启动失败（退出码 ${exited}）：\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`服务器 120 秒内未就绪：\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stateDir, stop };
}

const GONE_FILE = 'server-gone.txt';

/** Why the server of `info` is no longer running (its exit and last output), or null while it runs. */
export function serverGone(info: ServerInfo): string | null {
  const file = join(info.stateDir, GONE_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Playwright's 30 s default is too short on a 2-core machine that is busy with a build. */
const ACTION_TIMEOUT_MS = 60_000;

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  // every context the tests open gets the longer timeouts
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
    return context;
  };
  return browser;
}

/** Waits until no finite CSS animation/transition (modal, drawer, dropdown) is running. */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
      undefined,
      { timeout: 3000 },
    )
    .catch(() => undefined);
}

/**
 * Finishes the page's running CSS transitions and animations and draws a
 * frame. A page that is not in front gets no animation frames in headless
 * Chromium: a closing dialog then stays half-closed and keeps the dialog
 * below it out of the accessibility tree. A 1-pixel screenshot with
 * animations disabled ends them (transitionend fires) and paints.
 */
export async function finishAnimations(page: Page): Promise<void> {
  await page.screenshot({ clip: { x: 0, y: 0, width: 1, height: 1 }, animations: 'disabled' });
}

/**
 * Saves a PNG as e2e/artifacts/<name>.png once the page has settled: the full
 * page, or with `fullPage: false` what is in the viewport (for dialogs and
 * drawers, which cover only the viewport).
 */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await settle(page);
  await page.screenshot({
    path: join(ARTIFACTS_DIR, `${name}.png`),
    fullPage: opts.fullPage ?? true,
    animations: 'disabled',
  });
}

/**
 * Collects uncaught page errors and console errors. Failed HTTP responses
 * (the 401 of the session probe, a wrong password) are expected and skipped.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Tracks the page's requests that have not finished, for a failure message:
 * it tells a request the server never answered from a click that sent none.
 */
export function pendingRequests(page: Page): () => string[] {
  const open = new Map<Request, number>();
  page.on('request', (r) => open.set(r, Date.now()));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return () =>
    [...open].map(([r, t]) => `${r.method()} ${new URL(r.url()).pathname} (${Date.now() - t} ms)`);
}

/** Signs in through the login form. */
export async function login(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  if (!page.url().endsWith('/login')) await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByTestId('login-submit').click();
}

/** Horizontal overflow of the page itself (not of inner scroll areas). */
export function pageOverflow(
  page: Page,
): Promise<{ viewport: number; document: number; body: number }> {
  return page.evaluate(() => ({
    viewport: window.innerWidth,
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
}

/** A small PNG: a stand-in for a site photo. */
export function sitePhoto(): Buffer {
  const [w, h] = [160, 120];
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * (w * 3 + 1) + 1 + x * 3;
      raw[i] = y > h * 0.6 ? 150 : 120 + y;
      raw[i + 1] = y > h * 0.6 ? 120 : 170;
      raw[i + 2] = y > h * 0.6 ? 80 : 230;
    }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** exceljs is a dependency of the server; load it from there (as bench/ does). */
export async function loadExcel(): Promise<typeof ExcelJS> {
  const req = createRequire(join(REPO_ROOT, 'apps/server/package.json'));
  const mod = (await import(pathToFileURL(req.resolve('exceljs')).href)) as {
    default: typeof ExcelJS;
  };
  return mod.default;
}
