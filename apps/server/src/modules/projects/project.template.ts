import ExcelJS from '../../platform/spreadsheets/exceljs';
import { industryClusters, projectLevelLabels, projectStageLabels } from '@xiangmu/contracts';
import { assertCan, type Actor } from '../access';

/** The downloadable import template: the header the importer reads, an example row and the rules. */
export async function importTemplate(actor: Actor): Promise<Buffer> {
  assertCan(actor, 'project.read');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('项目导入');
  const headers = [
    '项目名称',
    '建设单位',
    '统一社会信用代码',
    '所属区域',
    '产业集群',
    '行业代码',
    '项目级别',
    '项目阶段',
    '项目类别',
    '总投资（亿元）',
    '年度计划投资（亿元）',
    '计划年度',
    '计划开工',
    '计划竣工',
    '包保领导',
    '责任单位',
    '联系人',
    '联系电话',
    '建设内容及规模',
    '标签',
  ];
  ws.addRow(['重点项目导入模板']).font = { bold: true, size: 14 };
  ws.addRow([
    '金额单位：亿元；日期可写作 2023-03-15、2023.03 或 2023年3月；带 * 的列必填；也可直接上传本区县现有台账，上传后逐列确认对应关系',
  ]);
  const head = ws.addRow(headers.map((h, i) => (i < 2 || i === 9 ? `${h}*` : h)));
  head.font = { bold: true };
  ws.addRow([
    '示例：新能源电池产业园',
    '郑州示例科技有限公司',
    '91350100M000100Y43',
    '郑州经济技术开发区',
    '新能源及智能网联汽车',
    'C38',
    '区重点',
    '谋划',
    '',
    12.5,
    3,
    2026,
    '2026.03',
    '2028年6月',
    '张三',
    '',
    '李四',
    '13800000000',
    '年产10GWh动力电池',
    '三个一批、第八期',
  ]);
  ws.columns.forEach((c) => (c.width = 16));
  const help = wb.addWorksheet('填写说明');
  help.addRows([
    ['列', '可填的值'],
    ['产业集群', industryClusters.join('、')],
    ['项目级别', Object.values(projectLevelLabels).join('、')],
    ['项目阶段', Object.values(projectStageLabels).join('、')],
    [
      '项目类别',
      '"三个一批"台账的签约/开工/投产（或签约一批/开工一批/投产一批）：新项目的阶段随之为签约、在建或投产；导入时选择期次即进入该期批次',
    ],
    ['统一社会信用代码', '可不填：缺少的项目标为"待补充"，之后在项目页面补录；填写时校验'],
    ['责任单位', '库中没有的单位在导入时新建，也可在校验预览中对应到已有单位'],
    ['所属区域', '区划名称（如"郑州经济技术开发区""潮河街道"）或区划代码；不填则为当前所选区域'],
    [
      '已有项目',
      '同一区域内项目名称相同的行视为修改该项目；文件中没有的列不改动；阶段须在项目页面变更',
    ],
  ]);
  help.getColumn(1).width = 14;
  help.getColumn(2).width = 90;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
