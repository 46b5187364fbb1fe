import { z } from 'zod';
import { regionCode } from './text';
import { pageQuery } from './common';

export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  regionCode: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditListQuery = z.strictObject({
  ...pageQuery,
  actor: z.string().trim().max(40).optional(),
  action: z.string().trim().max(60).optional(),
  entityType: z.string().trim().max(40).optional(),
  regionCode: regionCode.optional(),
  from: z.iso.date('日期格式应为 YYYY-MM-DD').optional(),
  to: z.iso.date('日期格式应为 YYYY-MM-DD').optional(),
});

export const auditActionLabels: Record<string, string> = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.logout': '退出登录',
  'auth.password_changed': '修改密码',
  'auth.region_switched': '切换区域',
  'user.created': '新建用户',
  'user.updated': '修改用户',
  'user.password_reset': '重置密码',
  'user.unlocked': '解除锁定',
  'user.profile_updated': '修改个人资料',
  'department.created': '新建部门',
  'department.updated': '修改部门',
  'region.grid_created': '新建网格',
  'region.grid_renamed': '修改网格',
  'job.run_requested': '手动运行任务',
  'job.sessions_purged': '清理过期会话',
  'system.demo_seeded': '载入演示数据',
  'project.created': '新建项目',
  'project.updated': '修改项目',
  'project.stage_changed': '变更项目阶段',
  'project.import_uploaded': '上传导入文件',
  'project.imported': '批量导入项目',
  'campaign.created': '新建"三个一批"期次',
  'campaign.entry_added': '列入批次',
  'campaign.entry_removed': '移出批次',
  'campaign.batch_locked': '审核锁定批次',
  'region.official_loaded': '载入行政区划',
  'milestone.planned': '倒排生成节点',
  'milestone.created': '新增节点',
  'milestone.updated': '修改节点',
  'milestone.completed': '节点完成',
  'milestone.reopened': '重新打开节点',
  'milestone.deleted': '删除节点',
  'milestone.template_created': '新建节点模板',
  'milestone.template_updated': '修改节点模板',
  'calendar.updated': '更正工作日历',
  'job.milestones_rated': '更新节点红黄绿灯',
};
