/**
 * What every browser test file shares: its server and browser, a signed-in
 * browser context per demo account, and the page helpers the tests repeat.
 *
 *   const e2e = useE2e();                       // in the file (or its describe)
 *   const { page, errors } = await e2e.open('jk_admin', DESKTOP, '/projects');
 *
 * A demo account signs in once per server (POST /api/auth/login); its
 * session is kept as a Playwright storageState file, and every context opened
 * for it starts from that file. Signing in through the form is the subject of
 * admin-first-login.e2e and district-admin.e2e, which use `login()` of the
 * harness in a context opened with `open(null, …)`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, inject, onTestFinished } from 'vitest';
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import {
  DEMO_PASSWORD,
  finishAnimations,
  launchBrowser,
  pageOverflow,
  requireWebBuild,
  screenshot,
  serverGone,
  startServer,
  watchErrors,
  type ServerInfo,
} from './harness';

/** The demo accounts (seeded with DEMO_PASSWORD) the tests act as. */
export type DemoUser =
  /** 市项目办 王主任, city admin of 郑州市 */
  | 'city_office'
  /** 经开区项目办 李科长, district admin of 郑州经济技术开发区 */
  | 'jk_admin'
  /** 经开区 张副主任, 包保领导 (read-only) */
  | 'jk_leader'
  /** 潮河街道 网格员 */
  | 'jk_grid'
  /** 经开区建设局, a 责任单位 officer */
  | 'jk_unit'
  /** an enterprise's contact */
  | 'jk_ent';

const zh = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;
export const DESKTOP: BrowserContextOptions = { ...zh, viewport: { width: 1440, height: 900 } };
/** a laptop screen */
export const LAPTOP: BrowserContextOptions = { ...zh, viewport: { width: 1366, height: 820 } };
export const PHONE: BrowserContextOptions = {
  ...zh,
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export interface Opened {
  page: Page;
  context: BrowserContext;
  /** the page's uncaught errors and console errors (see watchErrors) */
  errors: string[];
}

export interface E2e {
  readonly server: ServerInfo;
  readonly browser: Browser;
  /** the server's address of `path` */
  url(path?: string): string;
  /**
   * A new browser context signed in as `user` (null: not signed in) with one
   * page, at `path` (default: the home page; null: stays blank). The context
   * is closed when the test ends, unless `keep` (then with the browser, after
   * the file).
   */
  open(
    user: DemoUser | null,
    options: BrowserContextOptions,
    path?: string | null,
    opts?: { keep?: boolean },
  ): Promise<Opened>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** set by shared-server.ts for the files of the "shared-server" project */
    sharedServer?: ServerInfo;
  }
}

/**
 * The server and browser of a test file, started before its tests and
 * stopped after them. `server: 'shared'` uses the one server of the run that
 * shared-server.ts starts — only for a file whose tests hold whatever the
 * other shared files leave behind (see vitest.config.ts); by default a file
 * gets a server of its own, on a fresh database with the demo data.
 */
export function useE2e(opts: { server?: 'own' | 'shared' } = {}): E2e {
  let server: ServerInfo | undefined;
  let stop: (() => Promise<void>) | undefined;
  let browser: Browser | undefined;
  const url = (path = '/') => `${started().server.url}${path}`;
  const started = () => {
    if (!server || !browser) throw new Error('useE2e: the server is not up yet (use it in a test)');
    return { server, browser };
  };

  beforeAll(async () => {
    requireWebBuild();
    if (opts.server === 'shared') {
      server = inject('sharedServer');
      if (!server)
        throw new Error(
          'useE2e({ server: "shared" }): no shared server — list the file in SHARED_SERVER_FILES of e2e/vitest.config.ts',
        );
    } else {
      const own = await startServer();
      server = own;
      stop = own.stop;
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });
  // a test that failed because the server went away says so
  let told = false;
  afterEach(({ task }) => {
    const gone = server && task.result?.state === 'fail' && !told && serverGone(server);
    if (gone) {
      told = true;
      console.error(`e2e: the server ${server!.url} is gone — ${gone}`);
    }
  });

  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    url,
    async open(user, options, path = '/', { keep = false } = {}) {
      const { server, browser } = started();
      const gone = serverGone(server);
      if (gone) throw new Error(`服务器已退出（${server.url}）：${gone}`);
      const state = user && join(server.stateDir, `${user}.json`);
      const context = await browser.newContext({
        ...options,
        ...(state && existsSync(state) ? { storageState: state } : {}),
      });
      if (!keep) onTestFinished(() => context.close());
      if (user && state) await signedIn(context, server.url, user, state);
      const page = await context.newPage();
      const errors = watchErrors(page);
      // a page the Content-Security-Policy broke fails its test, whatever it checks
      onTestFinished(() => {
        const csp = errors.filter((e) => e.includes('Content Security Policy'));
        if (csp.length) throw new Error(`CSP 拦截了页面的内容：\n${csp.join('\n')}`);
      });
      if (path !== null) await page.goto(url(path));
      return { page, context, errors };
    },
  };
}

/**
 * Makes sure `context` carries a live session of `user`: the stored one if
 * the server still knows it, else a new sign-in, stored for the next context.
 */
async function signedIn(context: BrowserContext, base: string, user: DemoUser, state: string) {
  if (existsSync(state) && (await context.request.get(`${base}/api/me`)).ok()) return;
  const res = await context.request.post(`${base}/api/auth/login`, {
    data: { username: user, password: DEMO_PASSWORD },
  });
  if (!res.ok()) throw new Error(`${user} 登录失败：${res.status()} ${await res.text()}`);
  await context.storageState({ path: state });
}

// ------------------------------------------------------------------ page helpers

/** Opens a page from the main menu (through the drawer on a phone) and waits for its address. */
export async function openMenu(page: Page, item: string, url: string | RegExp): Promise<void> {
  const entry = page.getByTestId('main-menu').getByRole('menuitem', { name: item });
  // a phone shows the toggle, the drawer's menu only once it is opened
  const toggle = page.getByTestId('menu-toggle');
  await entry.or(toggle).first().waitFor();
  if (!(await entry.isVisible())) await toggle.click();
  await entry.click();
  await page.waitForURL(url);
}

/** A full-page screenshot from the top (the sticky header stays put), or just the viewport (dialogs, drawers). */
export async function shot(page: Page, name: string, full = true): Promise<void> {
  if (full) await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name, { fullPage: full });
}

/** The root element (class `ant-select`) of the antd Select or TreeSelect `el` is in. */
const selectOf = (el: Locator) =>
  el.locator(
    'xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
  );

/** The text an antd Select shows: its chosen option (antd 6 has no selection-item element). */
export const selected = async (el: Locator): Promise<string> =>
  ((await selectOf(el).textContent()) ?? '').trim();

/**
 * Picks `option` of the antd Select that `trigger` opens (typing `type` into
 * its search first). antd renders the options after an animation; on a cold,
 * busy machine a click can land before the list is ready and change nothing,
 * so the choice is checked and made again, three times at the most.
 */
export async function choose(
  page: Page,
  trigger: Locator,
  option: string,
  type?: string,
): Promise<void> {
  await pickUntilShown(page, trigger, option, type, '.ant-select-item-option');
}

/** Picks the node titled `title` of the antd TreeSelect `trigger` opens, checked as choose() does. */
export async function chooseInTree(
  page: Page,
  trigger: Locator,
  title: string,
  type?: string,
): Promise<void> {
  await pickUntilShown(page, trigger, title, type, '.ant-select-tree-title');
}

async function pickUntilShown(
  page: Page,
  trigger: Locator,
  text: string,
  type: string | undefined,
  item: string,
) {
  const select = selectOf(trigger);
  for (let attempt = 1; ; attempt++) {
    await trigger.click();
    if (type) await page.keyboard.type(type);
    const choice = page
      .locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) ${item}`, { hasText: text })
      .first();
    await choice.waitFor();
    await choice.click();
    const shown = await select
      .filter({ hasText: text })
      .waitFor({ timeout: 3000 })
      .then(
        () => true,
        () => false,
      );
    if (shown) return;
    if (attempt === 3) throw new Error(`“${text}” was picked three times and is still not shown`);
    await page.keyboard.press('Escape');
  }
}

/** Types a date into an antd DatePicker and confirms it. */
export async function pickDate(input: Locator, iso: string): Promise<void> {
  await input.click();
  await input.fill(iso);
  await input.press('Enter');
  expect(await input.inputValue()).toContain(iso);
}

/**
 * A button of a dialog by its label. antd spaces two-character labels ("提 交"),
 * and a button that was loading for a moment can keep its leaving loading icon,
 * labelled "loading", for good: the icon's leave transition runs from width 0
 * to width 0, so no transitionend ever removes it (seen as lost clicks after a
 * quick failed save). What the user sees is the label alone.
 */
export const button = (dialog: Locator, text: string): Locator =>
  dialog.getByRole('button', { name: new RegExp(`^(loading )?${[...text].join('\\s*')}$`) });

/**
 * Waits until a dialog or drawer has closed. A page that is not in front gets
 * no animation frames in headless Chromium and can leave a closing dialog
 * half-closed: after 15 s its animations are finished (finishAnimations) and
 * the wait goes on.
 */
export async function closed(
  page: Page,
  dialog: Locator,
  state: 'hidden' | 'detached' = 'hidden',
): Promise<void> {
  await dialog.waitFor({ state, timeout: 15_000 }).catch(async () => {
    await finishAnimations(page);
    await dialog.waitFor({ state });
  });
}

/** The data rows of an antd Table. */
export const rowsOf = (table: Locator): Locator => table.locator('tbody tr.ant-table-row');

/** The page does not scroll sideways: the document is no wider than the viewport (+ `slack` px). */
export async function expectNoOverflow(page: Page, slack = 0): Promise<void> {
  // after a resize antd lays out again on its breakpoint events: judge the
  // settled page, not the frame in between (CI once measured 520 px at 390)
  let last = await pageOverflow(page);
  await expect
    .poll(async () => (last = await pageOverflow(page)).document - last.viewport, {
      timeout: 5_000,
      message: JSON.stringify(last),
    })
    .toBeLessThanOrEqual(slack);
}

/**
 * A write to the API from the page, with the session's CSRF token, as the
 * signed-in user: the status and the parsed answer (null when not JSON).
 */
export function apiWrite<T = unknown>(
  page: Page,
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed as T };
    },
    { method, path, body },
  );
}

/** A GET of the API from the page, as the signed-in user: the parsed answer. */
export function apiGet<T = unknown>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await (await fetch(p)).json()) as T, path);
}
