// The yardsticks for ledger-io: exceljs alone, in a process of its own so
// its peak RSS is its own. Started by ledger-io.ts with a mode, a file and a
// row count; reports over IPC and exits.
//
//   make  <file> <rows>  writes a district-style ledger (title, 金额单位 row, header, 15 columns)
//   read  <file>         streams every row of the first sheet with the importer's
//                        reader options and looks at every cell of every row
//   write <file> <rows>  writes what the export writes for those projects: its title,
//                        info and two merged header rows, its 20 columns with the same
//                        shared border / number-format styles, and a 合计 row
import { readFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { CREDIT_CODE, clusters, ledgerProject, pick, seededRandom } from './lib/names';
import { importFromServer } from './lib/paths';

if (!process.send) throw new Error('ledger-worker.ts is started by ledger-io.ts (it needs IPC)');

export interface WorkerResult {
  mode: string;
  rows: number;
  /** read: every cell looked at (including empty ones up to each row's last) */
  cells: number;
  ms: number;
  /** bytes: RSS after loading exceljs, before the work; peak RSS of the process */
  rssBefore: number;
  peakRss: number;
  exceljsVersion: string;
  /** read: rows with a text cell that came back with U+FFFD (a character split between chunks) */
  corrupted: number;
}

const SEED = 4100171;
export const PLAN_YEAR = 2026;
export const REGION_NAME = '郑州经济技术开发区';

/** the demo seed's 经开区 units and two it lacks (created by the import) */
const units = ['经开区建设局', '经开区自然资源和规划局', '经开区生态环境分局', '经开区工业和信息化局', '经开区商务局']; // prettier-ignore
const people = ['张伟', '王芳', '李强', '赵敏', '陈静', '刘洋', '杨帆', '黄磊'];
const contents = ['新建标准化厂房及配套设施', '建设智能化生产线两条', '购置研发检测设备，建设研发中心', '建设仓储物流中心及配套道路', '改造提升现有生产线，新增产能']; // prettier-ignore

/** one project of the district ledger; half of them without 统一社会信用代码, as real ledgers */
export function districtProject(i: number, random: () => number) {
  const p = ledgerProject(i, random);
  const totalWan = Math.round(p.totalYi * 10000);
  const annualWan = Math.round(p.annualYi * 10000);
  const startMonth = 1 + Math.floor(random() * 12);
  const endYear = PLAN_YEAR + 1 + Math.floor(random() * 3);
  const endMonth = 1 + Math.floor(random() * 12);
  const phone = `139${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
  return {
    name: p.name,
    owner: p.owner,
    credit: i % 2 === 0 ? CREDIT_CODE : null,
    cluster: pick(clusters, random()),
    level: random() < 0.3 ? '市重点' : '区重点',
    totalWan,
    annualWan,
    /** as typed in ledgers: 2026.03 and 2028年7月 */
    startText: `${PLAN_YEAR}.${String(startMonth).padStart(2, '0')}`,
    endText: `${endYear}年${endMonth}月`,
    start: `${PLAN_YEAR}-${String(startMonth).padStart(2, '0')}-01`,
    end: `${endYear}-${String(endMonth).padStart(2, '0')}-01`,
    leader: pick(people, random()),
    unit: pick(units, random()),
    contact: pick(people, random()),
    phone,
    content: pick(contents, random()),
  };
}

/** as apps/server/src/modules/projects/project.ledger.ts ledgerColumns */
const exportColumns = [
  ['seq', '序号', 6], ['name', '项目名称', 36], ['owner', '建设单位', 28], ['credit', '统一社会信用代码', 22],
  ['region', '所属区域', 18], ['cluster', '产业集群', 14], ['industryCode', '行业代码', 10], ['level', '项目级别', 10],
  ['stage', '项目阶段', 10], ['total', '总投资', 12, '投资情况（亿元）'], ['annual', '年度计划投资', 14, '投资情况（亿元）'],
  ['year', '计划年度', 10], ['start', '计划开工', 12, '计划工期'], ['end', '计划竣工', 12, '计划工期'],
  ['leader', '包保领导', 12], ['unit', '责任单位', 20], ['contact', '联系人', 10], ['phone', '联系电话', 14],
  ['content', '建设内容及规模', 40], ['tags', '标签', 20],
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
let cells = 0;
let corrupted = 0;

if (mode === 'make') {
  const wb = new Excel.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = wb.addWorksheet('重点项目');
  ws.addRow([`${REGION_NAME}${PLAN_YEAR}年重点项目台账`]).commit();
  ws.addRow(['填报单位：经开区项目办', null, null, null, null, null, '金额单位：万元']).commit();
  ws.addRow([
    '序号',
    '项目名称',
    '建设单位',
    '统一社会信用代码',
    '产业集群',
    '项目级别',
    '总投资',
    '年度计划投资',
    '计划开工时间',
    '计划竣工时间',
    '包保领导',
    '责任单位',
    '联系人',
    '联系电话',
    '建设内容及规模',
  ]).commit();
  const random = seededRandom(SEED);
  for (let i = 1; i <= n; i++) {
    const p = districtProject(i, random);
    ws.addRow([
      i,
      p.name,
      p.owner,
      p.credit,
      p.cluster,
      p.level,
      p.totalWan,
      p.annualWan,
      p.startText,
      p.endText,
      p.leader,
      p.unit,
      p.contact,
      p.phone,
      p.content,
    ]).commit();
    rows++;
  }
  ws.commit();
  await wb.commit();
} else if (mode === 'read') {
  // the importer's reader options (imports/ledger-reader.ts)
  const reader = new Excel.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let chars = 0;
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      let bad = false;
      // every cell of the row, as a reader that uses them must
      for (let i = 1; i < values.length; i++) {
        const v = values[i];
        cells++;
        if (typeof v === 'string') {
          chars += v.length;
          if (v.includes('\uFFFD')) bad = true;
        } else if (typeof v === 'number') chars++;
      }
      if (bad) corrupted++;
      rows++;
    }
    break; // the first worksheet only
  }
  if (chars === 0) throw new Error(`no cells read from ${file}`);
} else if (mode === 'write') {
  const wb = new Excel.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: true,
  });
  const ws = wb.addWorksheet('项目台账', { views: [{ state: 'frozen', ySplit: 4 }] });
  ws.columns = exportColumns.map(([key, , width]) => ({ key, width }));
  const w = exportColumns.length;
  const thin = { style: 'thin' as const };
  const boxed = { top: thin, left: thin, bottom: thin, right: thin };
  const titleRow = ws.addRow([`${REGION_NAME}重点项目台账`]);
  titleRow.font = { bold: true, size: 16 };
  titleRow.alignment = { horizontal: 'center' };
  titleRow.height = 28;
  ws.mergeCells(1, 1, 1, w);
  ws.addRow(['导出时间：2026年12月3日    金额单位：亿元']).alignment = { horizontal: 'right' };
  ws.mergeCells(2, 1, 2, w);
  const top = ws.addRow(exportColumns.map((c) => (c[3] === undefined ? c[1] : c[3])));
  const sub = ws.addRow(exportColumns.map((c) => c[1]));
  for (const row of [top, sub]) {
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    row.eachCell((cell) => {
      cell.border = boxed;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    });
  }
  exportColumns.forEach((c, i) => {
    if (c[3] === undefined) ws.mergeCells(3, i + 1, 4, i + 1);
  });
  ws.mergeCells(3, 10, 3, 11);
  ws.mergeCells(3, 13, 3, 14);
  top.commit();
  sub.commit();
  // one shared style object per kind of cell, as the export does
  const plain = Object.freeze({ border: boxed });
  const money = Object.freeze({ border: boxed, numFmt: '0.00##' });
  const styles = exportColumns.map(([key]) =>
    key === 'total' || key === 'annual' ? money : plain,
  );
  const random = seededRandom(SEED);
  let total = 0;
  let annual = 0;
  for (let i = 1; i <= n; i++) {
    const p = districtProject(i, random);
    total += p.totalWan;
    annual += p.annualWan;
    // what the export writes for a project imported from the district ledger
    const row = ws.addRow({
      seq: i,
      name: p.name,
      owner: p.owner,
      credit: p.credit,
      region: REGION_NAME,
      cluster: p.cluster,
      industryCode: '',
      level: p.level,
      stage: '谋划',
      total: p.totalWan / 10000,
      annual: p.annualWan / 10000,
      year: PLAN_YEAR,
      start: p.start,
      end: p.end,
      leader: p.leader,
      unit: p.unit,
      contact: p.contact,
      phone: p.phone,
      content: p.content,
      tags: '',
    });
    for (let c = 0; c < w; c++) row.getCell(c + 1).style = styles[c]!;
    row.commit();
    rows++;
  }
  const sum = ws.addRow({
    seq: '合计',
    name: `共${n}个项目`,
    total: total / 10000,
    annual: annual / 10000,
  });
  sum.font = { bold: true };
  sum.getCell('total').numFmt = '0.00##';
  sum.getCell('annual').numFmt = '0.00##';
  sum.eachCell({ includeEmpty: true }, (cell) => (cell.border = boxed));
  sum.commit();
  ws.commit();
  await wb.commit();
} else throw new Error(`unknown mode "${mode}"`);

const ms = performance.now() - t0;
const result: WorkerResult = {
  mode,
  rows,
  cells,
  ms,
  rssBefore,
  peakRss: memory().peak,
  exceljsVersion: version,
  corrupted,
};
process.send(result, () => process.exit(0));
