// The project ledger's columns; the reading itself is modules/imports/ledger-reader.ts.
import {
  readLedger as readAnyLedger,
  type Header as AnyHeader,
  type LedgerLayout,
} from '../../imports';

export { parseAmount, parseDate, type Cell } from '../../imports';

export type Field =
  | 'name'
  | 'ownerName'
  | 'ownerCreditCode'
  | 'region'
  | 'industryCluster'
  | 'industryCode'
  | 'level'
  | 'stage'
  | 'totalInvestment'
  | 'annualPlan'
  | 'planYear'
  | 'plannedStart'
  | 'plannedEnd'
  | 'leaderName'
  | 'department'
  | 'contactName'
  | 'contactPhone'
  | 'content'
  | 'tags';

export type Header = AnyHeader<Field>;

/** Header texts each field is known by, most specific first. */
export const projectLedgerLayout: LedgerLayout<Field> = {
  anchor: 'name',
  anchorLabel: '项目名称',
  patterns: [
    ['name', /^(项目名称|项目)$/],
    ['ownerCreditCode', /信用代码/],
    ['ownerName', /(建设单位|项目单位|业主单位|实施主体|建设主体)/],
    ['region', /^(所属区域|所属区县|所在区域|区县|县区|县\(市、区\)|区域|辖区)$/],
    ['industryCluster', /(产业集群|所属产业|产业类别|产业领域)/],
    ['industryCode', /(行业代码|国民经济行业)/],
    ['level', /(项目级别|项目层级|^级别$)/],
    ['stage', /(项目阶段|进展阶段|项目状态|^阶段$)/],
    ['totalInvestment', /^总投资/],
    ['annualPlan', /(年度计划投资|年度投资计划|年计划投资|年度计划|年度投资)/],
    ['planYear', /^(计划年度|年份|年度)$/],
    ['plannedStart', /(计划开工|开工时间|开工日期)/],
    ['plannedEnd', /(计划竣工|竣工时间|竣工日期|计划完工|完工时间)/],
    ['leaderName', /(包保领导|责任领导|分包领导|联系领导)/],
    ['department', /(责任单位|牵头单位)/],
    ['contactName', /^联系人/],
    ['contactPhone', /(联系电话|联系方式|手机|电话)/],
    ['content', /(建设内容|建设规模)/],
    ['tags', /^标签$/],
  ],
};

export const readLedger = (path: string) => readAnyLedger(path, projectLedgerLayout);
