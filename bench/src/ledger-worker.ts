// The comparison points for ledger-io: exceljs alone, in a process of its
// own so its peak RSS is its own. Started by ledger-io.ts with a mode, a
// file and a row count; reports over IPC and exits.
//
//   make   <file> <rows>  writes the import ledger (template layout, 6 columns)
//   read   <file>         streams every row of the first sheet, as the importer reads it
//   write  <file> <rows>  writes the export's 20 columns, values only
//   styled <file> <rows>  the same, with per-cell borders and number formats (the export before 1eb178f)
//   shared <file> <rows>  the same look, each cell given one of two shared style objects (the export now)
import { readFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { CREDIT_CODE, ledgerProject, seededRandom } from './lib/names';
import { importFromServer } from './lib/paths';

if (!process.send) throw new Error('ledger-worker.ts is started by ledger-io.ts (it needs IPC)');

export interface WorkerResult {
  mode: string;
  rows: number;
  ms: number;
  /** bytes: RSS after loading exceljs, before the work; peak RSS of the process */
  rssBefore: number;
  peakRss: number;
  exceljsVersion: string;
  /** read: rows with a text cell that came back with U+FFFD (a character split between chunks) */
  corrupted: number;
}

const SEED = 4100171;

/** as apps/server/src/modules/projects/project.ledger.ts ledgerColumns */
const exportColumns = [
  ['seq', 6], ['name', 36], ['owner', 28], ['credit', 22], ['region', 18], ['cluster', 14],
  ['industryCode', 10], ['level', 10], ['stage', 10], ['total', 12], ['annual', 14], ['year', 10],
  ['start', 12], ['end', 12], ['leader', 12], ['unit', 20], ['contact', 10], ['phone', 14],
  ['content', 40], ['tags', 20],
] as const; // prettier-ignore

const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
};

const [mode = '', file = '', rowsArg = '0'] = process.argv.slice(2);
const n = Number(rowsArg);
const { module, version } = await importFromServer<{ default: typeof ExcelJS }>('exceljs');
const Excel = module.default;
const rssBefore = memory().rss;
const t0 = performance.now();
let rows = 0;
let corrupted = 0;

if (mode === 'make') {
  const wb = new Excel.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = wb.addWorksheet('台账');
  ws.addRow(['重点项目导入']).commit();
  ws.addRow([
    '项目名称',
    '建设单位',
    '统一社会信用代码',
    '产业集群',
    '总投资（亿元）',
    '年度计划投资（亿元）',
  ]).commit();
  const random = seededRandom(SEED);
  for (let i = 1; i <= n; i++) {
    const p = ledgerProject(i, random);
    ws.addRow([p.name, p.owner, CREDIT_CODE, p.cluster, p.totalYi, p.annualYi]).commit();
    rows++;
  }
  ws.commit();
  await wb.commit();
} else if (mode === 'read') {
  // the importer's reader options (import/ledger-reader.ts)
  const reader = new Excel.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let cells = 0;
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      cells += values.length;
      if (values.some((v) => typeof v === 'string' && v.includes('\uFFFD'))) corrupted++;
      rows++;
    }
    break; // the first worksheet only
  }
  if (cells === 0) throw new Error(`no cells read from ${file}`);
} else if (mode === 'write' || mode === 'styled' || mode === 'shared') {
  const wb = new Excel.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: true,
  });
  const ws = wb.addWorksheet('项目台账');
  ws.columns = exportColumns.map(([key, width]) => ({ key, width }));
  const border = { style: 'thin' as const };
  const boxed = { top: border, left: border, bottom: border, right: border };
  // exceljs looks a cell's style up by object identity (a WeakMap) before it
  // serialises it to find its index: shared objects skip that work
  const plain = Object.freeze({ border: boxed });
  const money = Object.freeze({ border: boxed, numFmt: '0.00##' });
  const moneyColumns = new Set([10, 11]);
  const random = seededRandom(SEED);
  for (let i = 1; i <= n; i++) {
    const p = ledgerProject(i, random);
    // what the export writes for a project imported from the 6-column ledger
    const row = ws.addRow({
      seq: i,
      name: p.name,
      owner: p.owner,
      credit: CREDIT_CODE,
      region: '郑州经济技术开发区',
      cluster: p.cluster,
      industryCode: '',
      level: '区重点',
      stage: '谋划',
      total: p.totalYi,
      annual: p.annualYi,
      year: 2026,
      start: '',
      end: '',
      leader: '',
      unit: '',
      contact: '',
      phone: '',
      content: '',
      tags: '',
    });
    if (mode === 'styled') {
      // as project.ledger.ts did it before 1eb178f
      row.getCell('total').numFmt = '0.00##';
      row.getCell('annual').numFmt = '0.00##';
      row.eachCell({ includeEmpty: true }, (cell) => (cell.border = boxed));
    } else if (mode === 'shared')
      // as project.ledger.ts does it now
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        cell.style = moneyColumns.has(col) ? money : plain;
      });
    row.commit();
    rows++;
  }
  ws.commit();
  await wb.commit();
} else throw new Error(`unknown mode "${mode}"`);

const ms = performance.now() - t0;
const result: WorkerResult = {
  mode,
  rows,
  ms,
  rssBefore,
  peakRss: memory().peak,
  exceljsVersion: version,
  corrupted,
};
process.send(result, () => process.exit(0));
