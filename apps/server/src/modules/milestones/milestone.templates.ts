import type { TemplateStep } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import * as repo from './milestone.repository';

/**
 * The standard 倒排工期 chains (DOMAIN.md: land → planning permit →
 * construction permit → start → topping out → completion → production),
 * with working-day spacings a city admin edits in the product.
 */
export const defaultTemplates: { name: string; steps: TemplateStep[] }[] = [
  {
    name: '工业项目（标准）',
    steps: [
      { name: '土地摘牌', workdaysToNext: 20 },
      { name: '取得建设工程规划许可证', workdaysToNext: 15 },
      { name: '取得施工许可证', workdaysToNext: 10 },
      { name: '开工建设', workdaysToNext: 120 },
      { name: '主体封顶', workdaysToNext: 60 },
      { name: '竣工验收', workdaysToNext: 20 },
      { name: '投产达效', workdaysToNext: 0 },
    ],
  },
  {
    name: '拿地即开工（承诺制）',
    steps: [
      { name: '土地摘牌', workdaysToNext: 5 },
      { name: '取得建设工程规划许可证', workdaysToNext: 2 },
      { name: '取得施工许可证', workdaysToNext: 1 },
      { name: '开工建设', workdaysToNext: 100 },
      { name: '主体封顶', workdaysToNext: 50 },
      { name: '竣工验收', workdaysToNext: 15 },
      { name: '投产达效', workdaysToNext: 0 },
    ],
  },
];

/** Loads the standard templates into an empty table (first start); returns how many. */
export async function ensureDefaultTemplates(db: Db): Promise<number> {
  if ((await repo.listTemplates(db)).length > 0) return 0;
  for (const t of defaultTemplates) await repo.insertTemplate(db, t.name, t.steps);
  return defaultTemplates.length;
}
