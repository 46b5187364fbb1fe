import ExcelJS from 'exceljs';

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
