import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Plain from 'exceljs';
import { describe, expect, it } from 'vitest';
import ExcelJS from './exceljs';

/** Long Chinese cells: many characters are bound to straddle a chunk boundary. */
async function chineseFile(rows: number): Promise<{ path: string; texts: string[] }> {
  const wb = new Plain.Workbook();
  const ws = wb.addWorksheet('台账');
  const texts: string[] = [];
  for (let i = 0; i < rows; i++) {
    const text = `郑州经济技术开发区新能源汽车零部件智能制造产业园项目第${i}期建设内容：厂房、研发楼与配套设施`;
    texts.push(text);
    ws.addRow([i, text]);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'xm-xlsx-')), 'chinese.xlsx');
  writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
  return { path, texts };
}

async function readAll(Excel: typeof Plain, path: string): Promise<string[]> {
  const out: string[] = [];
  const reader = new Excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    worksheets: 'emit',
  });
  for await (const sheet of reader)
    for await (const row of sheet as AsyncIterable<Plain.Row>)
      out.push(String(row.getCell(2).value));
  return out;
}

describe('streaming read of Chinese text', () => {
  it('returns every character intact (exceljs #2084 is fixed here)', async () => {
    const { path, texts } = await chineseFile(6000);
    const read = await readAll(ExcelJS, path);
    expect(read).toHaveLength(texts.length);
    expect(read.filter((t) => t.includes('\uFFFD'))).toEqual([]);
    expect(read).toEqual(texts);
  });

  it('the same file breaks characters in plain exceljs (so the test above means something)', async () => {
    const { path } = await chineseFile(6000);
    const read = await readAll(Plain, path);
    expect(read.filter((t) => t.includes('\uFFFD')).length).toBeGreaterThan(0);
  });
});
