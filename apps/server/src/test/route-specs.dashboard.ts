// Route-table entries of 驾驶舱 (see RouteSpec in route-specs.ts).
import type { Role } from '@xiangmu/contracts';
import { OWN } from './harness';
import type { RouteSpec } from './route-specs';

const readers: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
const year = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

export const dashboardRouteSpecs: Record<string, RouteSpec> = {
  'GET /api/dashboard': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/dashboard?year=${year()}` }),
    // OWN's projects: the whole view when it is OWN, or OWN's line in the city's
    containsOwn: (b) =>
      (b.regionCode === OWN && b.library.projects > 0) ||
      b.library.byRegion.some(
        (r: { key: string; projects: number }) => r.key === OWN && r.projects > 0,
      ),
  },
  'GET /api/dashboard/ranking': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/dashboard/ranking?indicator=projects&year=${year()}` }),
    // the districts of the city, or the streets of a district (codes below OWN's)
    containsOwn: (b) => b.rows.some((r: { regionCode: string }) => r.regionCode.startsWith(OWN)),
  },
  'GET /api/dashboard/points': {
    kind: 'list',
    roles: readers,
    build: async (w) => {
      // the OWN target project gets a location
      await w.ctx.db
        .updateTable('projects')
        .set({ lng: 113.73, lat: 34.71 })
        .where('id', '=', w.targetProjectId)
        .execute();
      return { url: '/api/dashboard/points' };
    },
    containsOwn: (b, w) => b.points.some((p: { id: number }) => p.id === w.targetProjectId),
  },
  'GET /api/dashboard/targets': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/dashboard/targets?year=${year()}` }),
    containsOwn: (b) => b.some((r: { regionCode: string }) => r.regionCode === OWN),
  },
  'PUT /api/dashboard/targets': {
    kind: 'item',
    roles: ['city_admin'],
    build: async () => ({
      url: '/api/dashboard/targets',
      body: { year: year(), targets: [{ regionCode: OWN, amount: '500000' }] },
    }),
    audit: 'dashboard.targets_set',
  },
};
