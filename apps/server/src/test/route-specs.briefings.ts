// Route-table entries of 简报 (see RouteSpec in route-specs.ts).
import type { Role } from '@xiangmu/contracts';
import ExcelJS from '../platform/spreadsheets/exceljs';
import { OWN } from './harness';
import type { RouteSpec, World } from './route-specs';
import { docxText } from './zip';

const readers: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
const year = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

const ownName = async (w: World) =>
  (
    await w.ctx.db
      .selectFrom('regions')
      .select('name')
      .where('code', '=', OWN)
      .executeTakeFirstOrThrow()
  ).name;

async function xlsxText(raw: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(raw as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
  return cells.join('\n');
}

// OWN's briefing (its name is the masthead), or the city's, whose ranking
// lists OWN among the districts; the sibling's names neither
export const briefingRouteSpecs: Record<string, RouteSpec> = {
  'GET /api/briefings': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/briefings?year=${year()}` }),
    containsOwn: async (b, w) => {
      const name = await ownName(w);
      return b.regionCode === OWN || b.rankingTable.rows.some((r: string[]) => r[1] === name);
    },
  },
  'GET /api/briefings/docx': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/briefings/docx?year=${year()}` }),
    containsOwn: async (_b, w, raw) => docxText(raw).includes(await ownName(w)),
  },
  'GET /api/briefings/xlsx': {
    kind: 'list',
    roles: readers,
    build: async () => ({ url: `/api/briefings/xlsx?year=${year()}` }),
    containsOwn: async (_b, w, raw) => (await xlsxText(raw)).includes(await ownName(w)),
  },
};
