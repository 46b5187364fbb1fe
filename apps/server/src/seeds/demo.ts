// Seeds write through the repositories directly: there is no acting user
// whose policies could apply. Each seed is audited as the system.
import type { Role } from '@xiangmu/contracts';
import type { Db } from '../platform/database/db';
import { recordAudit } from '../modules/audit/audit.service';
import { systemActor } from '../modules/access';
import { findRegion } from '../modules/regions/region.service';
import { insertRegion, nextChildCode } from '../modules/regions/region.repository';
import { insertDepartment } from '../modules/users/department.repository';
import { hashPassword } from '../modules/users/password';
import { insertUser, usernameTaken } from '../modules/users/user.repository';

/** Password of every demo account (README). Demo accounts are not forced to change it. */
export const DEMO_PASSWORD = 'Xiangmu@2026';

const JINGKAI = '410171'; // 郑州经济技术开发区
const JINSHUI = '410105'; // 金水区
const CHAOHE = '410171561'; // 经开区潮河街道: 1 一级, 12 二级, 40 三级网格 (seed 004)

export const demoDepartments: Array<{ region: string; name: string }> = [
  { region: '410100', name: '市发展和改革委员会' },
  { region: '410100', name: '市重点项目建设办公室' },
  { region: JINGKAI, name: '经开区建设局' },
  { region: JINGKAI, name: '经开区自然资源和规划局' },
  { region: JINGKAI, name: '经开区生态环境分局' },
  { region: JINSHUI, name: '金水区住房和城乡建设局' },
  { region: JINSHUI, name: '金水区发展和改革委员会' },
];

export const demoUsers: Array<{
  username: string;
  name: string;
  role: Role;
  region: string;
  dept?: string;
}> = [
  { username: 'city_office', name: '市项目办 王主任', role: 'city_admin', region: '410100' },
  { username: 'city_viewer', name: '大屏展示', role: 'viewer', region: '410100' },
  { username: 'jk_admin', name: '经开区项目办 李科长', role: 'district_admin', region: JINGKAI },
  {
    username: 'jk_unit',
    name: '经开区建设局 赵工',
    role: 'unit_officer',
    region: JINGKAI,
    dept: '经开区建设局',
  },
  { username: 'jk_leader', name: '经开区 张副主任', role: 'leader', region: JINGKAI },
  { username: 'jk_grid', name: '潮河街道 网格员 刘芳', role: 'grid_worker', region: CHAOHE },
  { username: 'jk_ent', name: '海尔压缩机项目 联络员', role: 'enterprise', region: JINGKAI },
  { username: 'js_admin', name: '金水区项目办 陈科长', role: 'district_admin', region: JINSHUI },
  {
    username: 'js_unit',
    name: '金水区住建局 孙工',
    role: 'unit_officer',
    region: JINSHUI,
    dept: '金水区住房和城乡建设局',
  },
];

/** Demo regions, departments and accounts. Idempotent: does nothing once seeded. */
export async function seedDemo(db: Db): Promise<boolean> {
  if (await usernameTaken(db, 'jk_admin')) return false;
  const hash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    const deptIds = new Map<string, number>();
    for (const d of demoDepartments) {
      const { id } = await insertDepartment(trx, { name: d.name, region_code: d.region });
      deptIds.set(d.name, id);
    }
    const chaohe = await findRegion(trx, CHAOHE);
    if (chaohe) {
      const add = async (
        parent: { code: string; path: string },
        level: 'grid1' | 'grid2' | 'grid3',
        name: string,
      ) => {
        const code = await nextChildCode(trx, parent.code);
        return insertRegion(trx, {
          code,
          name,
          level,
          parentCode: parent.code,
          path: `${parent.path}${code}/`,
          official: false,
        });
      };
      const g1 = await add(chaohe, 'grid1', '潮河街道一级网格');
      for (let i = 1, k = 1; i <= 12; i++) {
        const g2 = await add(g1, 'grid2', `潮河第${i}二级网格`);
        // 40 三级网格 over 12 二级网格: 4 under the first four, 3 under the rest
        for (let j = 0; j < (i <= 4 ? 4 : 3); j++, k++)
          await add(g2, 'grid3', `潮河第${k}三级网格`);
      }
    }
    for (const u of demoUsers) {
      const region = u.username === 'jk_grid' && chaohe ? CHAOHE : u.region;
      await insertUser(trx, {
        username: u.username,
        display_name: u.name,
        phone: null,
        role: u.role,
        region_code: region,
        department_id: u.dept ? (deptIds.get(u.dept) ?? null) : null,
        password_hash: hash,
        must_change_password: false,
      });
    }
    await recordAudit(trx, systemActor, {
      action: 'system.demo_seeded',
      entityType: 'system',
      after: {
        departments: demoDepartments.length,
        users: demoUsers.length,
        grids: chaohe ? 53 : 0,
      },
    });
  });
  return true;
}
