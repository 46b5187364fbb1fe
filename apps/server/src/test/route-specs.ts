import ExcelJS from 'exceljs';
import { simpleLedger, uploadAndMap } from './ledgers';
import { milestoneRouteSpecs } from './route-specs.milestones';
import { reportRouteSpecs } from './route-specs.reports';
import { dashboardRouteSpecs } from './route-specs.dashboard';
import { briefingRouteSpecs } from './route-specs.briefings';
import { ticketRouteSpecs } from './route-specs.tickets';
import { creditCodeCheckChar, type Role } from '@xiangmu/contracts';
import { roles, OWN, OWN_STREET, type Cast, type Session, type TestContext } from './harness';

/**
 * Every /api route, with who may call it and how its data scope shows.
 * The data-scope, audit and bad-input tests all run from this table, and a
 * route the server registers without a row here fails them: a new endpoint
 * joins by adding one entry.
 *
 * kind:
 *  - 'public': no session needed
 *  - 'self':   acts on the caller only; every role, no region target
 *  - 'item':   acts on one record in OWN: a caller from SIBLING gets 403 REGION_OUT_OF_SCOPE
 *  - 'list':   lists records: the OWN record is in the caller's list only if he is from OWN
 *  - 'global': city-wide system function; the role check is the scope
 */
export interface RouteSpec {
  kind: 'public' | 'self' | 'item' | 'list' | 'global';
  roles: readonly Role[];
  /** builds the request against the fixture world; may read current versions */
  build: (
    w: World,
    caller: Session,
  ) => Promise<{ url: string; body?: Record<string, unknown>; upload?: Buffer }>;
  /** for 'list': whether the response contains the OWN fixture record */
  containsOwn?: (body: any, w: World, raw: Buffer) => boolean | Promise<boolean>;
  /** the audit action a successful call must write (writes only) */
  audit?: string;
  /** bookkeeping after a 2xx (e.g. the caller's new password) */
  onSuccess?: (w: World, caller: Session, body: Record<string, unknown> | undefined) => void;
  /** scoped by the caller's home region, not the active one (the region switcher) */
  homeScoped?: boolean;
  /** passwords: any characters at all */
  secret?: string[];
  /** prose (建设内容, 依据): quotes and semicolons are ordinary text there, markup is not */
  freeText?: string[];
}

export interface World {
  ctx: TestContext;
  cast: Cast;
  /** a user, a grid and an audit row living in OWN */
  targetUserId: number;
  targetGridCode: string;
  ownAuditId: number;
  targetProjectId: number;
  targetImportId: number;
  targetCampaignId: number;
  passwords: Map<number, string>;
  seq: () => number;
}

const all = roles;
const admins = ['city_admin', 'district_admin'] as const;
const deptReaders = ['city_admin', 'district_admin', 'unit_officer', 'leader'] as const;
const projectReaders = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
] as const;

/** A new project in OWN, created by the city admin. */
export async function freshProject(w: World): Promise<number> {
  const city = await w.ctx.sessionFor(w.cast.own.city_admin);
  const res = await w.ctx.request('POST', '/api/projects', {
    as: city,
    body: projectBody(`批次项目${w.seq()}`),
  });
  if (res.status !== 200) throw new Error(`fixture project: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Uploads a one-row ledger in OWN as its district admin and waits for validation. */
export async function validatedImport(w: World): Promise<number> {
  const admin = await w.ctx.sessionFor(w.cast.own.district_admin);
  return (
    await uploadAndMap(
      w.ctx,
      admin,
      '/api/projects/imports',
      await simpleLedger([`导入项目${w.seq()}`]),
    )
  ).id;
}

/** the project names in an exported ledger (column B below the two header rows) */
export async function ledgerNames(raw: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(raw as unknown as ArrayBuffer);
  const names: string[] = [];
  wb.worksheets[0]!.eachRow((row, i) => {
    if (i > 4 && row.getCell(1).value !== '合计') names.push(String(row.getCell(2).value));
  });
  return names;
}

/** a valid project in OWN (统一社会信用代码 with a correct check character) */
export const projectBody = (name: string) => ({
  name,
  ownerName: '郑州测试科技有限公司',
  ownerCreditCode: '91410100MA9GL8K3X' + creditCodeCheckChar('91410100MA9GL8K3X'),
  regionCode: OWN,
  industryCluster: '汽车',
  level: 'district',
  totalInvestment: '125000',
  annualPlan: '30000.50',
  planYear: 2026,
});

const version = async (
  w: World,
  table: 'users' | 'departments' | 'regions' | 'projects',
  key: number | string,
) => {
  const q = w.ctx.db.selectFrom(table).select('version');
  const row = await (
    table === 'regions'
      ? q.where('code' as never, '=', key as never)
      : q.where('id' as never, '=', key as never)
  ).executeTakeFirstOrThrow();
  return (row as { version: number }).version;
};

/** A blocked (address, username) pair of the OWN target user, as five wrong passwords leave it. */
async function blockedPair(w: World): Promise<number> {
  const now = new Date();
  const row = await w.ctx.db
    .insertInto('login_throttle')
    .values({
      scope: 'pair',
      address: `10.77.0.${w.seq()}`,
      username: 'target_user',
      failures: 5,
      window_started_at: now,
      last_failed_at: now,
      blocked_until: new Date(now.getTime() + 15 * 60_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const routeSpecs: Record<string, RouteSpec> = {
  'POST /api/auth/login': {
    kind: 'public',
    roles: all,
    build: async () => ({
      url: '/api/auth/login',
      body: { username: 'own_viewer', password: 'Fixture-Pass-2026' },
    }),
    audit: 'auth.login',
    secret: ['password'],
  },
  'POST /api/auth/logout': {
    kind: 'self',
    roles: all,
    build: async () => ({ url: '/api/auth/logout' }),
    audit: 'auth.logout',
  },
  'GET /api/me': { kind: 'self', roles: all, build: async () => ({ url: '/api/me' }) },
  'PATCH /api/me': {
    kind: 'self',
    roles: all,
    build: async () => ({ url: '/api/me', body: { displayName: '新名字' } }),
    audit: 'user.profile_updated',
  },
  'POST /api/me/password': {
    kind: 'self',
    roles: all,
    build: async (w, caller) => {
      const next = `New-Pass-${w.seq()}x`;
      const current = w.passwords.get(caller.userId) ?? 'Fixture-Pass-2026';
      return { url: '/api/me/password', body: { currentPassword: current, newPassword: next } };
    },
    onSuccess: (w, caller, body) => w.passwords.set(caller.userId, String(body!.newPassword)),
    audit: 'auth.password_changed',
    secret: ['currentPassword', 'newPassword'],
  },
  'GET /api/me/regions': {
    kind: 'list',
    roles: all,
    homeScoped: true,
    build: async () => ({ url: '/api/me/regions?maxLevel=street' }),
    containsOwn: (b) => b.some((r: { code: string }) => r.code === OWN_STREET),
  },
  'PUT /api/me/region': {
    kind: 'item',
    roles: all,
    build: async () => ({ url: '/api/me/region', body: { regionCode: OWN_STREET } }),
    homeScoped: true,
    audit: 'auth.region_switched',
  },
  'GET /api/users': {
    kind: 'list',
    roles: admins,
    build: async () => ({ url: '/api/users?pageSize=200' }),
    containsOwn: (b, w) => b.items.some((u: { id: number }) => u.id === w.targetUserId),
  },
  'POST /api/users': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/users',
      body: {
        username: `new_user_${w.seq()}`,
        displayName: '新用户',
        role: 'viewer',
        regionCode: OWN,
      },
    }),
    audit: 'user.created',
  },
  'GET /api/users/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/users/${w.targetUserId}` }),
  },
  'PATCH /api/users/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/users/${w.targetUserId}`,
      body: { displayName: `改名${w.seq()}`, version: await version(w, 'users', w.targetUserId) },
    }),
    audit: 'user.updated',
  },
  'POST /api/users/:id/reset-password': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/users/${w.targetUserId}/reset-password` }),
    audit: 'user.password_reset',
  },
  'POST /api/users/:id/unlock': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/users/${w.targetUserId}/unlock` }),
    audit: 'user.unlocked',
  },
  'GET /api/login-blocks': {
    kind: 'list',
    roles: admins,
    build: async (w) => {
      await blockedPair(w);
      return { url: '/api/login-blocks' };
    },
    containsOwn: (b, w) =>
      b.throttles.some((t: { userId: number | null }) => t.userId === w.targetUserId),
  },
  'POST /api/login-blocks/:id/lift': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/login-blocks/${await blockedPair(w)}/lift` }),
    audit: 'auth.login_block_lifted',
  },
  'GET /api/departments': {
    kind: 'list',
    roles: deptReaders,
    build: async () => ({ url: '/api/departments' }),
    containsOwn: (b, w) => b.some((d: { id: number }) => d.id === w.cast.departmentOwn),
  },
  'POST /api/departments': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/departments',
      body: { name: `新部门${w.seq()}`, regionCode: OWN },
    }),
    audit: 'department.created',
  },
  'GET /api/departments/:id': {
    kind: 'item',
    roles: deptReaders,
    build: async (w) => ({ url: `/api/departments/${w.cast.departmentOwn}` }),
  },
  'PATCH /api/departments/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/departments/${w.cast.departmentOwn}`,
      body: {
        name: `经开区建设局${w.seq()}`,
        version: await version(w, 'departments', w.cast.departmentOwn),
      },
    }),
    audit: 'department.updated',
  },
  'GET /api/regions': {
    kind: 'list',
    roles: all,
    build: async () => ({ url: '/api/regions' }),
    containsOwn: (b) => b.some((r: { code: string }) => r.code === OWN_STREET),
  },
  'GET /api/regions/:code': {
    kind: 'item',
    roles: all,
    build: async () => ({ url: `/api/regions/${OWN_STREET}` }),
  },
  'POST /api/regions/grids': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/regions/grids',
      body: { parentCode: OWN_STREET, name: `测试网格${w.seq()}`, level: 'grid1' },
    }),
    audit: 'region.grid_created',
  },
  'PATCH /api/regions/:code': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/regions/${w.targetGridCode}`,
      body: { name: `网格${w.seq()}`, version: await version(w, 'regions', w.targetGridCode) },
    }),
    audit: 'region.grid_renamed',
  },
  'GET /api/audit': {
    kind: 'list',
    roles: admins,
    build: async () => ({ url: '/api/audit?pageSize=200&action=region.grid_created' }),
    containsOwn: (b, w) => b.items.some((e: { id: number }) => e.id === w.ownAuditId),
  },
  'GET /api/projects': {
    kind: 'list',
    roles: projectReaders,
    build: async () => ({ url: '/api/projects?pageSize=200' }),
    containsOwn: (b, w) => b.items.some((p: { id: number }) => p.id === w.targetProjectId),
  },
  'GET /api/projects/export': {
    kind: 'list',
    roles: projectReaders,
    build: async () => ({ url: '/api/projects/export' }),
    containsOwn: async (_b, _w, raw) => (await ledgerNames(raw)).includes('目标项目'),
  },
  'GET /api/projects/import-template': {
    kind: 'global',
    roles: projectReaders,
    build: async () => ({ url: '/api/projects/import-template' }),
  },
  'POST /api/projects/imports': {
    kind: 'global',
    roles: admins,
    build: async (w) => ({
      url: '/api/projects/imports?filename=t.xlsx',
      upload: await simpleLedger([`导入项目${w.seq()}`]),
    }),
    audit: 'project.import_uploaded',
  },
  'GET /api/projects/imports': {
    kind: 'list',
    roles: admins,
    build: async () => ({ url: '/api/projects/imports' }),
    containsOwn: (b, w) => b.some((i: { id: number }) => i.id === w.targetImportId),
  },
  'GET /api/projects/imports/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/projects/imports/${w.targetImportId}` }),
  },
  'POST /api/projects/imports/:id/mapping': {
    kind: 'item',
    roles: admins,
    // a fresh upload in OWN, waiting for its mapping, for every call
    build: async (w) => {
      const admin = await w.ctx.sessionFor(w.cast.own.district_admin);
      const up = await w.ctx.request('POST', '/api/projects/imports?filename=t.xlsx', {
        as: admin,
        upload: await simpleLedger([`映射项目${w.seq()}`]),
      });
      return { url: `/api/projects/imports/${up.body.id}/mapping`, body: { columns: [] } };
    },
    audit: 'project.import_mapped',
  },
  'POST /api/projects/imports/:id/apply': {
    kind: 'item',
    roles: admins,
    // a fresh validated import in OWN for every call
    build: async (w) => ({ url: `/api/projects/imports/${await validatedImport(w)}/apply` }),
    audit: 'project.imported',
  },
  'POST /api/projects': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: '/api/projects', body: projectBody(`新建项目${w.seq()}`) }),
    audit: 'project.created',
  },
  'GET /api/projects/:id': {
    kind: 'item',
    roles: projectReaders,
    build: async (w) => ({ url: `/api/projects/${w.targetProjectId}` }),
  },
  'PATCH /api/projects/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/projects/${w.targetProjectId}`,
      body: {
        content: `建设内容${w.seq()}`,
        version: await version(w, 'projects', w.targetProjectId),
      },
    }),
    audit: 'project.updated',
    freeText: ['content'],
  },
  'POST /api/projects/:id/stage': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const row = await w.ctx.db
        .selectFrom('projects')
        .select(['stage', 'version'])
        .where('id', '=', w.targetProjectId)
        .executeTakeFirstOrThrow();
      // back and forth between 谋划 and 签约, so every call is a legal move
      const forward = row.stage === 'planned';
      return {
        url: `/api/projects/${w.targetProjectId}/stage`,
        body: {
          to: forward ? 'signed' : 'planned',
          occurredOn: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
          evidence: '签约仪式',
          ...(forward ? {} : { reason: '合同重签' }),
          version: row.version,
        },
      };
    },
    audit: 'project.stage_changed',
    freeText: ['evidence', 'reason'],
  },
  'GET /api/projects/:id/stages': {
    kind: 'item',
    roles: projectReaders,
    build: async (w) => ({ url: `/api/projects/${w.targetProjectId}/stages` }),
  },
  'GET /api/campaigns': {
    kind: 'global',
    roles: projectReaders,
    build: async () => ({ url: '/api/campaigns' }),
  },
  'POST /api/campaigns': {
    kind: 'global',
    roles: ['city_admin'],
    build: async (w) => ({
      url: '/api/campaigns',
      body: { number: 100 + w.seq(), startsOn: '2026-01-01', endsOn: '2026-12-31' },
    }),
    audit: 'campaign.created',
  },
  'GET /api/campaigns/:id': {
    kind: 'list',
    roles: projectReaders,
    build: async (w) => ({ url: `/api/campaigns/${w.targetCampaignId}` }),
    containsOwn: (b) =>
      b.regions.some(
        (r: { regionCode: string; batches: { count: number }[] }) =>
          r.regionCode === OWN && r.batches.some((x) => x.count > 0),
      ),
  },
  'GET /api/campaigns/:id/entries': {
    kind: 'list',
    roles: projectReaders,
    build: async (w) => ({ url: `/api/campaigns/${w.targetCampaignId}/entries` }),
    containsOwn: (b, w) => b.some((e: { projectId: number }) => e.projectId === w.targetProjectId),
  },
  'POST /api/campaigns/:id/entries': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/campaigns/${w.targetCampaignId}/entries`,
      body: { projectId: await freshProject(w), kind: 'sign' },
    }),
    audit: 'campaign.entry_added',
  },
  'DELETE /api/campaigns/:id/entries/:projectId': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const projectId = await freshProject(w);
      const city = await w.ctx.sessionFor(w.cast.own.city_admin);
      await w.ctx.request('POST', `/api/campaigns/${w.targetCampaignId}/entries`, {
        as: city,
        body: { projectId, kind: 'sign' },
      });
      return { url: `/api/campaigns/${w.targetCampaignId}/entries/${projectId}` };
    },
    audit: 'campaign.entry_removed',
  },
  'POST /api/campaigns/:id/lock': {
    kind: 'item',
    roles: ['city_admin'],
    build: async (w) => ({
      url: `/api/campaigns/${w.targetCampaignId}/lock`,
      body: { regionCode: OWN, kind: 'produce' },
    }),
    audit: 'campaign.batch_locked',
  },
  'GET /api/jobs': {
    kind: 'global',
    roles: ['city_admin'],
    build: async () => ({ url: '/api/jobs' }),
  },
  'GET /api/jobs/runs': {
    kind: 'global',
    roles: ['city_admin'],
    build: async () => ({ url: '/api/jobs/runs' }),
  },
  'POST /api/jobs/:name/run': {
    kind: 'global',
    roles: ['city_admin'],
    build: async () => ({ url: '/api/jobs/sessions.purge/run' }),
    audit: 'job.run_requested',
  },
  'GET /api/system/backup': {
    kind: 'global',
    roles: ['city_admin'],
    build: async () => ({ url: '/api/system/backup' }),
    // a download, yet audited (test/backup.test.ts checks the row)
    audit: 'system.backup',
  },
  ...milestoneRouteSpecs,
  ...reportRouteSpecs,
  ...dashboardRouteSpecs,
  ...briefingRouteSpecs,
  ...ticketRouteSpecs,
};

/** Builds the fixture world that the specs address. */
export async function createWorld(ctx: TestContext, cast: Cast): Promise<World> {
  let n = 0;
  const seq = () => ++n;
  const targetUserId = await ctx.createUser({
    username: 'target_user',
    role: 'viewer',
    region: OWN,
  });
  const cityAdmin = await ctx.sessionFor(cast.own.city_admin);
  const grid = await ctx.request('POST', '/api/regions/grids', {
    as: cityAdmin,
    body: { parentCode: OWN_STREET, name: '目标网格', level: 'grid1' },
  });
  if (grid.status !== 200) throw new Error(`fixture grid: ${JSON.stringify(grid.body)}`);
  const audit = await ctx.db
    .selectFrom('audit_log')
    .select('id')
    .where('region_code', 'like', `${OWN}%`)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const project = await ctx.request('POST', '/api/projects', {
    as: cityAdmin,
    body: projectBody('目标项目'),
  });
  if (project.status !== 200) throw new Error(`fixture project: ${JSON.stringify(project.body)}`);
  const world: World = {
    targetProjectId: project.body.id,
    targetImportId: 0,
    targetCampaignId: 0,
    ctx,
    cast,
    targetUserId,
    targetGridCode: grid.body.code,
    ownAuditId: audit.id,
    passwords: new Map(),
    seq,
  };
  world.targetImportId = await validatedImport(world);
  const campaign = await ctx.request('POST', '/api/campaigns', {
    as: cityAdmin,
    body: { number: 7, startsOn: '2023-01-01', endsOn: '2023-12-31' },
  });
  world.targetCampaignId = campaign.body.id;
  await ctx.request('POST', `/api/campaigns/${campaign.body.id}/entries`, {
    as: cityAdmin,
    body: { projectId: world.targetProjectId, kind: 'sign' },
  });
  return world;
}
