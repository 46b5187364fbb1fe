import type { Workbook } from 'exceljs';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { safeCellText } from '../../platform/spreadsheets/safe-text';
import {
  batchKindLabels,
  roundDecimal,
  wanToYi,
  type Briefing,
  type Dashboard,
  type Ranking,
} from '@xiangmu/contracts';

/**
 * The figures of the briefing as a spreadsheet: 指标 (the key figures), 排名
 * (the ranking table) and 月度 (month by month). Amounts are numbers in 亿元
 * with two decimals, percentages numbers in %; names are text.
 */

/** 万元 text → 亿元 number with two decimals */
export const yiNumber = (wan: string) => Number(roundDecimal(wanToYi(wan), 2));
const pctNumber = (p: string | null) => (p === null ? null : Number(p));
const YI_FORMAT = '#,##0.00';

function titled(wb: Workbook, name: string, title: string, header: string[]) {
  const ws = wb.addWorksheet(name);
  ws.addRow([safeCellText(title)]).font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, header.length);
  ws.addRow(header).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  return ws;
}

export async function renderBriefingXlsx(
  b: Briefing,
  d: Dashboard,
  rankings: Ranking[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = b.office;

  const facts = titled(wb, '指标', `${b.title}（第${b.issueNumber}期）`, ['指标', '数值', '单位']);
  const inv = d.investment;
  const w = d.warnings;
  const rows: Array<[string, number | null, string]> = [
    ['在库项目', d.library.projects, '个'],
    ['在库项目总投资', yiNumber(d.library.totalInvestment), '亿元'],
    ...d.library.byStage.flatMap((s): Array<[string, number | null, string]> => [
      [`${s.label}项目`, s.projects, '个'],
      [`${s.label}项目总投资`, yiNumber(s.totalInvestment), '亿元'],
    ]),
    ['纳入年度计划项目', inv.planProjects, '个'],
    ['年度计划投资', yiNumber(inv.annualPlan), '亿元'],
    ['累计完成投资', yiNumber(inv.invested), '亿元'],
    ['年度计划完成率', pctNumber(inv.completion), '%'],
    ['上年同期完成投资', yiNumber(inv.lastYearInvested), '亿元'],
    ['同比增长', pctNumber(inv.growth), '%'],
    ['年度投资目标', inv.target === null ? null : yiNumber(inv.target), '亿元'],
    ['年度目标完成率', pctNumber(inv.targetCompletion), '%'],
    ...d.campaigns.flatMap((c) =>
      c.batches.flatMap((bt): Array<[string, number | null, string]> => [
        [`${c.title} ${batchKindLabels[bt.kind]}项目`, bt.count, '个'],
        [`${c.title} ${batchKindLabels[bt.kind]}总投资`, yiNumber(bt.totalInvestment), '亿元'],
      ]),
    ),
    ['红灯节点', w.redMilestones, '个'],
    ['黄灯节点', w.yellowMilestones, '个'],
    ['逾期填报', w.lateReports, '次'],
    ['未解决问题', w.openProblems, '个'],
    ['超期未解决问题', w.overdueProblems, '个'],
  ];
  for (const [label, value, unit] of rows) {
    const row = facts.addRow([safeCellText(label), value, unit]);
    if (unit === '亿元') row.getCell(2).numFmt = YI_FORMAT;
  }
  facts.getColumn(1).width = 36;
  facts.getColumn(2).width = 16;

  const [primary, ...more] = rankings;
  const header = [
    '名次',
    '区域',
    ...rankings.map((r) => (isAmount(r) ? `${r.label}（亿元）` : `${r.label}（%）`)),
    '较上月名次变化',
  ];
  const rank = titled(wb, '排名', `${b.regionName}下级区域排名（截至${b.month}）`, header);
  for (const x of primary?.rows ?? []) {
    const values = [primary!, ...more].map((r) => {
      const v = r.rows.find((o) => o.regionCode === x.regionCode)?.value ?? null;
      return v === null ? null : isAmount(r) ? yiNumber(v) : Number(v);
    });
    const row = rank.addRow([x.rank, safeCellText(x.regionName), ...values, x.change]);
    rankings.forEach((r, i) => {
      if (isAmount(r)) row.getCell(3 + i).numFmt = YI_FORMAT;
    });
  }
  rank.columns.forEach((c) => (c.width = 18));
  rank.getColumn(2).width = 24;

  const monthly = titled(wb, '月度', `${b.regionName}${b.year}年逐月完成投资`, [
    '月份',
    '当月完成投资（亿元）',
    '累计完成投资（亿元）',
    '上年同月（亿元）',
    '上年同期累计（亿元）',
    '累计完成年度计划（%）',
  ]);
  for (const m of inv.months) {
    const row = monthly.addRow([
      m.month,
      yiNumber(m.invested),
      yiNumber(m.cumulative),
      yiNumber(m.lastYear),
      yiNumber(m.lastYearCumulative),
      pctNumber(m.completion),
    ]);
    for (const i of [2, 3, 4, 5]) row.getCell(i).numFmt = YI_FORMAT;
  }
  monthly.columns.forEach((c) => (c.width = 20));

  return Buffer.from(await wb.xlsx.writeBuffer());
}

const isAmount = (r: Ranking) => r.indicator === 'invested' || r.indicator === 'totalInvestment';
