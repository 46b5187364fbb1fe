import ExcelJS from 'exceljs';
import { pendingValidations } from '../modules/imports';

/** Builds an .xlsx in memory from rows of cells (row 1 first). */
export async function xlsx(rows: unknown[][], merges: string[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  for (const r of rows) ws.addRow(r);
  for (const m of merges) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A small, valid ledger in the template's layout (amounts in 亿元). */
export const simpleLedger = (names: string[]) =>
  xlsx([
    ['重点项目导入'],
    [
      '项目名称',
      '建设单位',
      '统一社会信用代码',
      '产业集群',
      '总投资（亿元）',
      '年度计划投资（亿元）',
    ],
    ...names.map((n) => [n, '郑州测试科技有限公司', '91350100M000100Y43', '汽车', 12.5, 3]),
  ]);

type Requester = {
  request(
    method: string,
    url: string,
    o?: { as?: unknown; body?: unknown; upload?: Buffer },
  ): Promise<{ status: number; body: any }>;
};

/**
 * The wizard's first two steps as a client does them: upload (→ mapping),
 * then the mapping (the proposed one unless given) and wait for the check.
 * Returns the upload's answer when the file failed to read.
 */
export async function uploadAndMap(
  ctx: Requester,
  as: unknown,
  base: '/api/projects/imports' | '/api/reports/imports',
  file: Buffer,
  o: { filename?: string; query?: string; mapping?: Record<string, unknown> } = {},
) {
  const up = await ctx.request(
    'POST',
    `${base}?filename=${encodeURIComponent(o.filename ?? '台账.xlsx')}${o.query ?? ''}`,
    { as, upload: file },
  );
  if (up.status !== 200) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  if (up.body.status === 'failed') return up.body;
  const mapped = await ctx.request('POST', `${base}/${up.body.id}/mapping`, {
    as,
    body: o.mapping ?? { columns: [] },
  });
  if (mapped.status !== 200)
    throw new Error(`mapping: ${mapped.status} ${JSON.stringify(mapped.body)}`);
  await pendingValidations.get(up.body.id);
  // the validation's promise is settled; should the import still read 校验中
  // (seen once in a full run: no errors yet), wait for its final write
  for (let tries = 0; ; tries++) {
    const imp = (await ctx.request('GET', `${base}/${up.body.id}`, { as })).body;
    if (imp.status !== 'validating') return imp;
    if (tries === 100) throw new Error(`import ${up.body.id} still validating`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
