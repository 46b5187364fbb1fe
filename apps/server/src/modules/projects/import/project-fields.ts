// The project ledger's fields: what the wizard maps a district's columns to.
import type { ImportDefinition, LedgerLayout } from '../../imports';

export type Field =
  | 'name'
  | 'ownerName'
  | 'ownerCreditCode'
  | 'region'
  | 'industryCluster'
  | 'industryCode'
  | 'level'
  | 'stage'
  | 'category'
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

/**
 * Header texts each field is known by, most specific first: how district,
 * 发改委 and 工信 ledgers really name their columns.
 */
const layout: LedgerLayout<Field> = {
  anchor: 'name',
  anchorLabel: '项目名称',
  patterns: [
    ['name', /^(项目名称|项目)$/],
    ['ownerCreditCode', /信用代码/],
    ['category', /^(项目类别|类别|批次|项目批次|所属批次|三个一批(类别|批次)?|活动批次)$/],
    [
      'ownerName',
      /(建设单位|项目单位|业主单位|项目法人|实施主体|建设主体|签约企业|投资主体|投资方)/,
    ],
    ['region', /^(所属区域|所属区县|所在区域|区县|县区|县\(市、区\)|区域|辖区|所属县\(市、区\))$/],
    ['industryCluster', /(产业集群|所属产业|产业类别|产业领域|产业分类|所属行业|行业类别)/],
    ['industryCode', /(行业代码|国民经济行业)/],
    ['level', /(项目级别|项目层级|^级别$)/],
    ['stage', /(项目阶段|进展阶段|项目状态|^阶段$)/],
    ['totalInvestment', /^(计划|项目)?总投资/],
    [
      'annualPlan',
      /(年度计划投资|年度投资计划|年计划投资|年度计划|年度投资|本年计划投资|^\d{4}年度?计划投资|^\d{4}年度?投资计划|^\d{4}年度?投资$)/,
    ],
    ['planYear', /^(计划年度|年份|年度)$/],
    ['plannedStart', /(计划开工|开工时间|开工日期)/],
    [
      'plannedEnd',
      /(计划竣工|竣工时间|竣工日期|计划完工|完工时间|计划投产|投产时间|投产日期|建成时间|计划建成)/,
    ],
    ['leaderName', /(包保领导|责任领导|分包领导|联系领导|包保县级领导|分包县级领导)/],
    ['department', /(责任单位|牵头单位|责任部门)/],
    ['contactName', /^联系人/],
    ['contactPhone', /(联系电话|联系方式|手机|电话)/],
    ['content', /(建设内容|建设规模)/],
    ['tags', /^标签$/],
  ],
};

const f = (
  key: Field,
  label: string,
  o: { required?: boolean; amount?: boolean; hint?: string } = {},
) => ({
  key,
  label,
  required: o.required ?? false,
  amount: o.amount ?? false,
  hint: o.hint ?? null,
});

export const projectImportDefinition: ImportDefinition<Field> = {
  kind: 'projects',
  layout,
  defaultUnit: 'yi',
  audit: {
    uploaded: 'project.import_uploaded',
    mapped: 'project.import_mapped',
    entityType: 'project_import',
  },
  fields: [
    f('name', '项目名称', { required: true }),
    f('ownerName', '建设单位', { required: true }),
    f('ownerCreditCode', '统一社会信用代码', { hint: '可缺；缺少的项目标为"待补充"' }),
    f('region', '所属区域', { hint: '不填则为当前区域' }),
    f('category', '项目类别（三个一批）', { hint: '签约/开工/投产，决定项目阶段和批次' }),
    f('stage', '项目阶段'),
    f('level', '项目级别', { hint: '不填为区重点' }),
    f('industryCluster', '产业集群', { hint: '无此列时按名称和建设内容推断' }),
    f('industryCode', '行业代码'),
    f('totalInvestment', '总投资', { required: true, amount: true }),
    f('annualPlan', '年度计划投资', { amount: true, hint: '不填为0' }),
    f('planYear', '计划年度', { hint: '无此列时取标题中的年份或所选年度' }),
    f('plannedStart', '计划开工时间'),
    f('plannedEnd', '计划竣工（投产）时间'),
    f('leaderName', '包保领导'),
    f('department', '责任单位', { hint: '库中没有的单位将新建' }),
    f('contactName', '联系人'),
    f('contactPhone', '联系电话'),
    f('content', '建设内容及规模'),
    f('tags', '标签'),
  ],
};
