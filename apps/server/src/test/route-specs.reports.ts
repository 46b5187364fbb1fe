// Route-table entries of 月度调度 and photos (see RouteSpec in
// route-specs.ts). route-specs.ts imports this file: nothing from it is used
// at module top level here, only inside build() (the import cycle).
import { monthOf, type Role } from '@xiangmu/contracts';
import { OWN } from './harness';
import { uploadAndMap, xlsx } from './ledgers';
import { projectBody, type RouteSpec, type World } from './route-specs';

const readers: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
const admins: readonly Role[] = ['city_admin', 'district_admin'];
/** an enterprise user too, for his company's projects */
const reportReaders: readonly Role[] = [...readers, 'enterprise'];
const submitters: readonly Role[] = [...admins, 'enterprise'];

/**
 * The fixture enterprise users (OWN and SIBLING) belong to the company that
 * builds every fixture project (projectBody's 统一社会信用代码): the OWN one
 * may report for them, the SIBLING one is still out of scope.
 */
async function enterprisesOwnFixtures(w: World) {
  await w.ctx.db
    .updateTable('users')
    .set({ credit_code: projectBody('x').ownerCreditCode })
    .where('username', 'in', [w.cast.own.enterprise, w.cast.sibling.enterprise])
    .execute();
}

/** A 1×1 PNG. */
export const tinyPng = () =>
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );

const thisMonth = () => monthOf(new Date());

const city = (w: World) => w.ctx.sessionFor(w.cast.own.city_admin);

async function call(w: World, method: string, url: string, body?: unknown, upload?: Buffer) {
  const res = await w.ctx.request(method, url, { as: await city(w), body, upload });
  if (res.status !== 200) throw new Error(`fixture ${method} ${url}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A new project under construction in OWN. */
async function buildingProject(w: World, name = `在建项目${w.seq()}`): Promise<number> {
  return (await call(w, 'POST', '/api/projects', { ...projectBody(name), stage: 'building' })).id;
}

async function validatedReportImport(w: World): Promise<number> {
  const name = `导入调度项目${w.seq()}`;
  await buildingProject(w, name);
  const file = await xlsx([
    ['月度调度表'],
    ['项目名称', '月份', '本月完成投资（万元）', '形象进度'],
    [name, thisMonth(), 1200, '主体施工'],
  ]);
  // uploaded in OWN by its district admin: the import belongs to OWN
  const admin = await w.ctx.sessionFor(w.cast.own.district_admin);
  return (await uploadAndMap(w.ctx, admin, '/api/reports/imports', file)).id;
}

interface Fixture {
  projectId: number;
  reportId: number;
  importId: number;
}

/** One of each record in OWN, made once per world. */
const fixtures = new WeakMap<World, Promise<Fixture>>();
function fixture(w: World): Promise<Fixture> {
  let f = fixtures.get(w);
  if (!f) {
    f = (async () => {
      await enterprisesOwnFixtures(w);
      const projectId = await buildingProject(w, '调度目标项目');
      const report = await call(w, 'POST', `/api/projects/${projectId}/reports`, {
        month: thisMonth(),
        invested: '1234.5',
        progress: '主体结构封顶',
      });
      return {
        projectId,
        reportId: report.id,
        importId: await validatedReportImport(w),
      };
    })();
    fixtures.set(w, f);
  }
  return f;
}

/** Past months nobody reports for, a new one for every close: 1900-01, 1900-02 … */
const closings = new WeakMap<World, number>();
function freshPastMonth(w: World): string {
  const n = closings.get(w) ?? 0;
  closings.set(w, n + 1);
  return `${1900 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

const reportVersion = async (w: World, id: number) =>
  (
    await w.ctx.db
      .selectFrom('monthly_reports')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).version;

export const reportRouteSpecs: Record<string, RouteSpec> = {
  'POST /api/projects/:id/attachments': {
    kind: 'item',
    roles: ['city_admin', 'district_admin', 'unit_officer', 'enterprise'],
    build: async (w) => {
      await enterprisesOwnFixtures(w);
      return {
        url: `/api/projects/${w.targetProjectId}/attachments?filename=site.png`,
        upload: tinyPng(),
      };
    },
    audit: 'attachment.uploaded',
  },
  'GET /api/attachments/:id': {
    kind: 'item',
    roles: reportReaders,
    build: async (w) => {
      await enterprisesOwnFixtures(w);
      const a = await call(
        w,
        'POST',
        `/api/projects/${w.targetProjectId}/attachments?filename=a.png`,
        undefined,
        tinyPng(),
      );
      return { url: `/api/attachments/${a.id}` };
    },
  },
  'GET /api/reports': {
    kind: 'list',
    roles: reportReaders,
    build: async (w) => {
      await fixture(w);
      return { url: `/api/reports?month=${thisMonth()}&pageSize=200` };
    },
    containsOwn: async (b, w) => {
      const { projectId } = await fixture(w);
      return b.items.some((i: { projectId: number }) => i.projectId === projectId);
    },
  },
  'GET /api/reports/closures': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/reports/closures?month=${thisMonth()}` }),
    containsOwn: (b) => b.some((u: { regionCode: string }) => u.regionCode === OWN),
  },
  'POST /api/reports/closures': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/reports/closures',
      body: { regionCode: OWN, month: freshPastMonth(w) },
    }),
    audit: 'report.month_closed',
  },
  'POST /api/reports/closures/reopen': {
    kind: 'item',
    roles: ['city_admin'],
    build: async (w) => {
      const month = freshPastMonth(w);
      await call(w, 'POST', '/api/reports/closures', { regionCode: OWN, month });
      return {
        url: '/api/reports/closures/reopen',
        body: { regionCode: OWN, month, reason: '补报漏报项目' },
      };
    },
    audit: 'report.month_reopened',
    freeText: ['reason'],
  },
  'GET /api/reports/completion': {
    kind: 'list',
    roles: readers,
    build: async (w) => {
      await fixture(w);
      return { url: `/api/reports/completion?year=${thisMonth().slice(0, 4)}` };
    },
    containsOwn: (b) =>
      b.regions.some(
        (r: { regionCode: string; invested: string }) => r.regionCode === OWN && r.invested !== '0',
      ),
  },
  'GET /api/reports/import-template': {
    kind: 'global',
    roles: readers,
    build: async () => ({ url: '/api/reports/import-template' }),
  },
  'POST /api/reports/imports': {
    kind: 'global',
    roles: admins,
    build: async () => ({
      url: `/api/reports/imports?filename=t.xlsx&month=${thisMonth()}`,
      upload: await xlsx([
        ['项目名称', '本月完成投资（万元）', '形象进度'],
        ['调度目标项目', 10, '施工'],
      ]),
    }),
    audit: 'report.import_uploaded',
  },
  'GET /api/reports/imports': {
    kind: 'list',
    roles: admins,
    build: async (w) => {
      await fixture(w);
      return { url: '/api/reports/imports' };
    },
    containsOwn: async (b, w) => {
      const { importId } = await fixture(w);
      return b.some((i: { id: number }) => i.id === importId);
    },
  },
  'GET /api/reports/imports/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/reports/imports/${(await fixture(w)).importId}` }),
  },
  'POST /api/reports/imports/:id/mapping': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const admin = await w.ctx.sessionFor(w.cast.own.district_admin);
      const up = await w.ctx.request('POST', '/api/reports/imports?filename=t.xlsx', {
        as: admin,
        upload: await xlsx([
          ['项目名称', '月份', '本月完成投资（万元）', '形象进度'],
          ['调度目标项目', thisMonth(), 10, '施工'],
        ]),
      });
      return { url: `/api/reports/imports/${up.body.id}/mapping`, body: { columns: [] } };
    },
    audit: 'report.import_mapped',
  },
  'POST /api/reports/imports/:id/apply': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/reports/imports/${await validatedReportImport(w)}/apply` }),
    audit: 'report.imported',
  },
  'GET /api/reports/:id': {
    kind: 'item',
    roles: reportReaders,
    build: async (w) => ({ url: `/api/reports/${(await fixture(w)).reportId}` }),
  },
  'PATCH /api/reports/:id': {
    kind: 'item',
    roles: submitters,
    build: async (w) => {
      const { reportId } = await fixture(w);
      return {
        url: `/api/reports/${reportId}`,
        body: { progress: `形象进度${w.seq()}`, version: await reportVersion(w, reportId) },
      };
    },
    audit: 'report.updated',
    freeText: ['progress'],
  },
  'GET /api/projects/:id/reports': {
    kind: 'item',
    roles: reportReaders,
    build: async (w) => ({ url: `/api/projects/${(await fixture(w)).projectId}/reports` }),
  },
  'POST /api/projects/:id/reports': {
    kind: 'item',
    roles: submitters,
    build: async (w) => {
      await enterprisesOwnFixtures(w);
      return {
        url: `/api/projects/${await buildingProject(w)}/reports`,
        body: { month: thisMonth(), invested: '100.5', progress: '桩基施工', problems: '无' },
      };
    },
    audit: 'report.submitted',
    freeText: ['progress', 'problems'],
  },
};
