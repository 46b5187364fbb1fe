import type { Role } from '@xiangmu/contracts';
import { chinaToday } from '../platform/calendar/today';
import type { RouteSpec, World } from './route-specs';
import { roles } from './harness';

// route-specs.ts spreads this table into its own: use its values only inside build().
const admins = ['city_admin', 'district_admin'] as const;
const readers = ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'] as const;
const year = () => chinaToday().slice(0, 4);

/** A new open node on the OWN fixture project, created by the city admin. */
async function freshMilestone(w: World): Promise<{ id: number; version: number }> {
  const city = await w.ctx.sessionFor(w.cast.own.city_admin);
  const res = await w.ctx.request('POST', `/api/projects/${w.targetProjectId}/milestones`, {
    as: city,
    body: { name: `节点${w.seq()}`, dueOn: `${year()}-06-30`, ownerName: '区住建局' },
  });
  if (res.status !== 200) throw new Error(`fixture milestone: ${JSON.stringify(res.body)}`);
  return { id: res.body.id, version: res.body.version };
}

async function doneMilestone(w: World) {
  const m = await freshMilestone(w);
  const city = await w.ctx.sessionFor(w.cast.own.city_admin);
  const res = await w.ctx.request('POST', `/api/milestones/${m.id}/complete`, {
    as: city,
    body: { version: m.version, doneOn: chinaToday(), evidence: '已取得施工许可证' },
  });
  if (res.status !== 200) throw new Error(`fixture done milestone: ${JSON.stringify(res.body)}`);
  return { id: m.id, version: res.body.version as number };
}

const firstTemplate = async (w: World) =>
  await w.ctx.db
    .selectFrom('milestone_templates')
    .select(['id', 'version'])
    .orderBy('id')
    .executeTakeFirstOrThrow();

const ownMilestoneIn = (items: { projectId: number }[], w: World) =>
  items.some((m) => m.projectId === w.targetProjectId);

export const milestoneRouteSpecs: Record<string, RouteSpec> = {
  'GET /api/projects/:id/milestones': {
    kind: 'item',
    roles: readers,
    build: async (w) => ({ url: `/api/projects/${w.targetProjectId}/milestones` }),
  },
  'POST /api/projects/:id/milestones/plan': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/projects/${w.targetProjectId}/milestones/plan`,
      body: {
        templateId: (await firstTemplate(w)).id,
        targetOn: `${Number(year()) + 1}-09-30`,
        ownerName: '经开区发改委',
        replace: true,
      },
    }),
    audit: 'milestone.planned',
  },
  'POST /api/projects/:id/milestones': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: `/api/projects/${w.targetProjectId}/milestones`,
      body: { name: `新增节点${w.seq()}`, dueOn: `${year()}-07-15`, ownerName: '区自然资源局' },
    }),
    audit: 'milestone.created',
  },
  'GET /api/projects/:id/milestone-owners': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({ url: `/api/projects/${w.targetProjectId}/milestone-owners` }),
  },
  'GET /api/milestones': {
    kind: 'list',
    roles: readers,
    build: async (w) => {
      await freshMilestone(w);
      return { url: '/api/milestones?pageSize=200' };
    },
    containsOwn: (body, w) => ownMilestoneIn(body.items, w),
  },
  'GET /api/milestones/battle-chart': {
    kind: 'list',
    roles: readers,
    build: async (w) => {
      await freshMilestone(w);
      return { url: '/api/milestones/battle-chart?limit=500' };
    },
    containsOwn: (body, w) =>
      body.rows.some((r: { projectId: number }) => r.projectId === w.targetProjectId),
  },
  'PATCH /api/milestones/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const m = await freshMilestone(w);
      return { url: `/api/milestones/${m.id}`, body: { version: m.version, name: '改名节点' } };
    },
    audit: 'milestone.updated',
  },
  'POST /api/milestones/:id/complete': {
    kind: 'item',
    // leaders and unit officers only for nodes they own; the fixture node has no owner
    roles: admins,
    build: async (w) => {
      const m = await freshMilestone(w);
      return {
        url: `/api/milestones/${m.id}/complete`,
        body: { version: m.version, doneOn: chinaToday(), evidence: '规划许可证已核发' },
      };
    },
    audit: 'milestone.completed',
    freeText: ['evidence'],
  },
  'POST /api/milestones/:id/reopen': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const m = await doneMilestone(w);
      return {
        url: `/api/milestones/${m.id}/reopen`,
        body: { version: m.version, reason: '许可证信息有误，需补正' },
      };
    },
    audit: 'milestone.reopened',
    freeText: ['reason'],
  },
  'DELETE /api/milestones/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const m = await freshMilestone(w);
      return { url: `/api/milestones/${m.id}?version=${m.version}` };
    },
    audit: 'milestone.deleted',
  },
  'GET /api/milestone-templates': {
    kind: 'global',
    roles: readers,
    build: async () => ({ url: '/api/milestone-templates' }),
  },
  'POST /api/milestone-templates': {
    kind: 'global',
    roles: ['city_admin'] as Role[],
    build: async (w) => ({
      url: '/api/milestone-templates',
      body: {
        name: `模板${w.seq()}`,
        steps: [
          { name: '开工', workdaysToNext: 100 },
          { name: '竣工', workdaysToNext: 0 },
        ],
      },
    }),
    audit: 'milestone.template_created',
  },
  'PUT /api/milestone-templates/:id': {
    kind: 'global',
    roles: ['city_admin'] as Role[],
    build: async (w) => {
      const t = await firstTemplate(w);
      return {
        url: `/api/milestone-templates/${t.id}`,
        body: {
          version: t.version,
          name: `标准模板${w.seq()}`,
          steps: [
            { name: '开工', workdaysToNext: 90 },
            { name: '投产', workdaysToNext: 0 },
          ],
        },
      };
    },
    audit: 'milestone.template_updated',
  },
  'GET /api/calendar/:year': {
    kind: 'global',
    roles,
    build: async () => ({ url: '/api/calendar/2026' }),
  },
  'PUT /api/calendar/:year': {
    kind: 'global',
    roles: ['city_admin'] as Role[],
    build: async () => ({
      url: '/api/calendar/2027',
      body: { corrections: [{ date: '2027-10-08', kind: 'holiday', name: '国庆节' }] },
    }),
    audit: 'calendar.updated',
  },
};
