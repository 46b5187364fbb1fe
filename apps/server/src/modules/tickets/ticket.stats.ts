import {
  ticketLevelLabels,
  ticketLevels,
  ticketRatingLabels,
  ticketSourceLabels,
  ticketStatusLabels,
  ticketTimeLimitLabel,
  type TicketListQuery,
  type TicketStatsQuery,
  type TicketStatsResponse,
  type TicketUnitStats,
} from '@xiangmu/contracts';
import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { safeCellText } from '../../platform/spreadsheets/safe-text';
import { assertCan, can, type Actor } from '../access';
import { getRegionInScope } from '../regions';
import { viewerOf } from './ticket.access';
import * as repo from './ticket.repository';
import { ledgerFilter, presentTickets, statusFilter } from './ticket.service';

/**
 * 统计与排名: per handling unit, over the tickets created in the period —
 * received, closed (on time: the unit's reply came before the due time),
 * open, overdue (open past due, or closed late) and the requesters' ratings.
 */

const pct = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part * 1000) / whole) / 10;

/** on-time rate first, then satisfaction, then more tickets received */
export function rankUnits(units: Omit<TicketUnitStats, 'rank'>[]): TicketUnitStats[] {
  const key = (x: number | null) => (x === null ? -1 : x);
  const sorted = [...units].sort(
    (a, b) =>
      key(b.onTimeRate) - key(a.onTimeRate) ||
      key(b.satisfactionRate) - key(a.satisfactionRate) ||
      b.received - a.received ||
      a.departmentId - b.departmentId,
  );
  let rank = 0;
  return sorted.map((u, i) => {
    const prev = sorted[i - 1];
    if (
      !prev ||
      key(prev.onTimeRate) !== key(u.onTimeRate) ||
      key(prev.satisfactionRate) !== key(u.satisfactionRate)
    )
      rank = i + 1;
    return { ...u, rank };
  });
}

export async function ticketStats(
  db: Db,
  actor: Actor,
  q: TicketStatsQuery,
  now = new Date(),
): Promise<TicketStatsResponse> {
  assertCan(actor, 'ticket.stats');
  const region = q.regionCode
    ? await getRegionInScope(db, actor, q.regionCode)
    : { code: actor.activeRegionCode, path: actor.scopePath };
  const v = await viewerOf(db, actor);
  const base = ledgerFilter(v, q, region.path);
  const overdue = statusFilter(['overdue'], now);
  // one pass over the period: a row per (unit, resolved level); units,
  // totals and levels are sums of these few rows
  const groups = await db
    .selectFrom('tickets')
    .where(base)
    .groupBy(['tickets.department_id', 'tickets.resolved_level'])
    .select((eb) => [
      'tickets.department_id',
      'tickets.resolved_level',
      eb.fn.countAll<string>().as('received'),
      eb.fn.countAll<string>().filterWhere('tickets.status', '=', 'closed').as('closed'),
      eb.fn.countAll<string>().filterWhere('tickets.closed_on_time', '=', true).as('closedOnTime'),
      eb.fn.countAll<string>().filterWhere('tickets.closed_at', 'is', null).as('open'),
      eb.fn.countAll<string>().filterWhere(overdue).as('overdue'),
      eb.fn.countAll<string>().filterWhere('tickets.rating', '=', 'satisfied').as('satisfied'),
      eb.fn.countAll<string>().filterWhere('tickets.rating', '=', 'basic').as('basic'),
      eb.fn.countAll<string>().filterWhere('tickets.rating', '=', 'unsatisfied').as('unsatisfied'),
    ])
    .execute();
  const ids = [
    ...new Set(groups.map((g) => g.department_id).filter((x): x is number => x !== null)),
  ];
  const names = new Map(
    ids.length === 0
      ? []
      : (
          await db.selectFrom('departments').select(['id', 'name']).where('id', 'in', ids).execute()
        ).map((d) => [d.id, d.name]),
  );
  const fields = [
    'received',
    'closed',
    'closedOnTime',
    'open',
    'overdue',
    'satisfied',
    'basic',
    'unsatisfied',
  ] as const;
  type Sums = Record<(typeof fields)[number], number>;
  const zero = (): Sums => Object.fromEntries(fields.map((f) => [f, 0])) as Sums;
  const add = (to: Sums, g: (typeof groups)[number]) => {
    for (const f of fields) to[f] += Number(g[f]);
  };
  const totals = zero();
  const byUnit = new Map<number, Sums>();
  const byLevel = new Map<string, number>();
  let undispatched = 0;
  for (const g of groups) {
    add(totals, g);
    if (g.department_id === null) undispatched += Number(g.open);
    else {
      if (!byUnit.has(g.department_id)) byUnit.set(g.department_id, zero());
      add(byUnit.get(g.department_id)!, g);
    }
    if (g.resolved_level)
      byLevel.set(g.resolved_level, (byLevel.get(g.resolved_level) ?? 0) + Number(g.closed));
  }
  return {
    regionCode: region.code,
    totals: {
      received: totals.received,
      closed: totals.closed,
      closedOnTime: totals.closedOnTime,
      open: totals.open,
      overdue: totals.overdue,
      undispatched,
    },
    resolvedByLevel: ticketLevels.map((level) => ({ level, closed: byLevel.get(level) ?? 0 })),
    units: rankUnits(
      [...byUnit].map(([id, u]) => {
        const rated = u.satisfied + u.basic + u.unsatisfied;
        return {
          departmentId: id,
          departmentName: names.get(id) ?? '',
          ...u,
          rated,
          onTimeRate: pct(u.closedOnTime, u.closed),
          satisfactionRate: pct(u.satisfied + u.basic, rated),
        };
      }),
    ),
  };
}

/** at most this many tickets in one export; narrower filters for more */
export const EXPORT_MAX_ROWS = 50_000;

const beijingTime = (iso: string | null) =>
  iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';

/** 工单台账 (the ledger with the same filters) and 单位统计 as one workbook */
export async function exportTickets(
  db: Db,
  actor: Actor,
  q: Omit<TicketListQuery, 'page' | 'pageSize'>,
): Promise<{ filename: string; file: Buffer }> {
  assertCan(actor, 'ticket.export');
  const v = await viewerOf(db, actor);
  const region = q.regionCode
    ? await getRegionInScope(db, actor, q.regionCode)
    : { code: actor.activeRegionCode, name: actor.activeRegionName, path: actor.scopePath };
  const now = new Date();
  const where = (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> =>
    eb.and([ledgerFilter(v, q, region.path)(eb), statusFilter(q.status, now)(eb)]);
  const count = await db
    .selectFrom('tickets')
    .where(where)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(count.n) > EXPORT_MAX_ROWS)
    throw new DomainError('VALIDATION_FAILED', {
      message: `符合条件的工单有${count.n}张，超过单次导出上限${EXPORT_MAX_ROWS}张，请缩小时间范围或增加筛选条件`,
    });
  const rows = await repo
    .ticketRows(db)
    .where(where)
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .execute();
  const co = await repo.coHandlersOf(
    db,
    rows.map((r) => r.id),
  );
  const tickets = presentTickets(rows, co, now);

  const wb = new ExcelJS.Workbook();
  wb.creator = 'xiangmu';
  const ws = wb.addWorksheet('工单台账');
  const header = [
    '工单编号',
    '来源',
    '类别',
    '标题',
    '诉求内容',
    '所在区域',
    '当前层级',
    '状态',
    '诉求人',
    '联系电话',
    '企业',
    '项目',
    '承办单位',
    '协办单位',
    '登记时间',
    '时限',
    '办理期限',
    '是否超期',
    '升级次数',
    '办理结果',
    '评价',
    '办结时间',
    '化解层级',
    // a project problem's (问题台账)
    '整改期限',
    '调度月份',
  ];
  ws.addRow([
    safeCellText(
      `${region.name ?? ''}工单台账（导出于${beijingTime(now.toISOString())}，共${tickets.length}张）`,
    ),
  ]).font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, header.length);
  ws.addRow(header).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  for (const t of tickets)
    ws.addRow([
      t.number,
      ticketSourceLabels[t.source],
      safeCellText(t.categoryName),
      safeCellText(t.title),
      safeCellText(t.description),
      safeCellText(t.regionName),
      ticketLevelLabels[t.level],
      ticketStatusLabels[t.status],
      safeCellText(t.requesterName),
      t.requesterPhone ?? '',
      safeCellText(t.enterpriseName ?? ''),
      safeCellText(t.projectName ?? ''),
      safeCellText(t.departmentName ?? ''),
      safeCellText(t.coDepartments.map((d) => d.name).join('、')),
      beijingTime(t.createdAt),
      ticketTimeLimitLabel(t.timeLimit),
      beijingTime(t.dueAt),
      t.overdue ? '超期' : '',
      t.escalations,
      safeCellText(t.reply ?? ''),
      t.rating ? ticketRatingLabels[t.rating] : '',
      beijingTime(t.closedAt),
      t.resolvedLevel ? ticketLevelLabels[t.resolvedLevel] : '',
      t.rectifyBy ?? '',
      t.reportMonth ?? '',
    ]);
  [
    22, 10, 12, 30, 40, 16, 8, 8, 10, 14, 24, 24, 18, 24, 17, 12, 17, 8, 8, 40, 10, 17, 8, 12, 10,
  ].forEach((w, i) => (ws.getColumn(i + 1).width = w));

  // the units' figures for those who may see the ranking
  if (can(actor, 'ticket.stats')) {
    const stats = await ticketStats(
      db,
      actor,
      { regionCode: region.code, source: q.source, from: q.from, to: q.to },
      now,
    );
    const s = wb.addWorksheet('单位统计');
    s.addRow([
      '排名',
      '承办单位',
      '受理',
      '办结',
      '按期办结',
      '未办结',
      '超期',
      '评价数',
      '满意',
      '基本满意',
      '不满意',
      '按期办结率(%)',
      '满意率(%)',
    ]).font = { bold: true };
    for (const u of stats.units)
      s.addRow([
        u.rank,
        safeCellText(u.departmentName),
        u.received,
        u.closed,
        u.closedOnTime,
        u.open,
        u.overdue,
        u.rated,
        u.satisfied,
        u.basic,
        u.unsatisfied,
        u.onTimeRate,
        u.satisfactionRate,
      ]);
    s.getColumn(2).width = 24;
  }
  const day = beijingTime(now.toISOString()).slice(0, 10);
  return {
    filename: `工单台账-${region.name ?? region.code}-${day}.xlsx`,
    file: Buffer.from(await wb.xlsx.writeBuffer()),
  };
}
