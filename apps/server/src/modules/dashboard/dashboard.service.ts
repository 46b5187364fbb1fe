import {
  compareDecimals,
  industryClusters,
  MAP_POINTS_LIMIT,
  monthOf,
  percentOf,
  projectLevelLabels,
  projectLevels,
  projectStageLabels,
  projectStages,
  rankingIndicatorLabels,
  sumDecimals,
  type Dashboard,
  type DashboardQuery,
  type InvestmentTarget,
  type Ranking,
  type RankingIndicator,
  type RankingQuery,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { getCampaignDetail } from '../campaigns';
import { getRegionInScope } from '../regions';
import { previousMonthOf } from './dashboard.jobs';
import * as repo from './dashboard.repository';

/**
 * 驾驶舱. Every figure is read from the rollups and the small tables, never
 * from a scan of projects or reports; the figures of the briefing are these.
 */

const monthsOf = (year: number, through: number) =>
  Array.from({ length: through }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

/**
 * The last month whose reports count for `year`: `month` when asked for,
 * else this month, or December of a past year. A month not yet begun is
 * refused.
 */
function throughMonthOf(year: number, month?: number, now = new Date()): string {
  const cur = monthOf(now);
  const y = Number(cur.slice(0, 4));
  const latest = year < y ? 12 : year > y ? 0 : Number(cur.slice(5, 7));
  if (month !== undefined && month > latest)
    throw new DomainError('VALIDATION_FAILED', {
      message: `${year}年${month}月尚未到来，没有统计数据`,
      issues: [{ path: 'month', message: `${year}年${month}月尚未到来，没有统计数据` }],
    });
  return `${year}-${String(month ?? latest).padStart(2, '0')}`;
}

/** The view region and the regions one level below it (districts of the city, streets of a district). */
async function viewOf(db: Db, actor: Actor, regionCode?: string) {
  const view = await getRegionInScope(db, actor, regionCode ?? actor.activeRegionCode);
  const children = await db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('parent_code', '=', view.code)
    .where('level', 'in', ['district', 'street'])
    .orderBy('code')
    .execute();
  return { view, children };
}

const growthOf = (now: string, before: string) =>
  compareDecimals(before, '0') === 0 ? null : percentOf(sumDecimals([now, `-${before}`]), before);

interface ChildFigures {
  code: string;
  name: string;
  projects: number;
  totalInvestment: string;
  annualPlan: string;
  /** invested per month of the year, and of the year before */
  months: Map<string, string>;
  target: string | null;
}

/** Figures per child region (and the view's own line, code ''), from the rollups. */
async function figuresByChild(db: Db, path: string, year: number) {
  const [library, plans, reports] = await Promise.all([
    repo.libraryFigures(db, path),
    repo.planFigures(db, path, year),
    repo.reportFigures(db, path, year),
  ]);
  return { library, plans, reports };
}

const sumInvested = (months: Map<string, string>, from: string, to: string) =>
  sumDecimals([...months].filter(([m]) => m >= from && m <= to).map(([, v]) => v));

export async function getDashboard(db: Db, actor: Actor, q: DashboardQuery): Promise<Dashboard> {
  assertCan(actor, 'dashboard.read');
  const year = q.year ?? Number(monthOf(new Date()).slice(0, 4));
  const { view, children } = await viewOf(db, actor, q.regionCode);
  const through = throughMonthOf(year, q.month);
  const throughIndex = Number(through.slice(5, 7));
  const [{ library, plans, reports }, targets, warnings, campaignIds] = await Promise.all([
    figuresByChild(db, view.path, year),
    repo.targetsOf(db, [view.code], year),
    repo.warningFigures(db, view.path),
    repo.latestCampaignIds(db, 3),
  ]);
  const total = library.find(
    (r) => r.stage === null && r.level === null && r.industry_cluster === null && r.child === null,
  );
  const slices = <K extends 'stage' | 'level' | 'industry_cluster'>(
    col: K,
    order: readonly string[],
    label: (k: string) => string,
  ) =>
    order.map((key) => {
      const row = library.find((r) => r[col] === key && isOnly(r, col));
      return {
        key,
        label: label(key),
        projects: row?.projects ?? 0,
        totalInvestment: row?.total_investment ?? '0',
      };
    });
  const isOnly = (r: (typeof library)[number], col: 'stage' | 'level' | 'industry_cluster') =>
    (['stage', 'level', 'industry_cluster'] as const).every((c) => c === col || r[c] === null) &&
    r.child === null;
  const childRows = library.filter(
    (r) => r.child !== null && r.stage === null && r.level === null && r.industry_cluster === null,
  );
  const ownName = `${view.name}本级`;
  const byRegion = [
    ...children.map((c) => ({ key: c.code, label: c.name })),
    { key: '', label: ownName },
  ]
    .map((c) => {
      const row = childRows.find((r) => r.child === c.key);
      return {
        key: c.key || view.code,
        label: c.label,
        projects: row?.projects ?? 0,
        totalInvestment: row?.total_investment ?? '0',
      };
    })
    // the view's own line only when it has projects of its own
    .filter((r) => r.key !== view.code || r.projects > 0);

  const invested = new Map<string, string[]>();
  for (const r of reports) invested.set(r.month, [...(invested.get(r.month) ?? []), r.invested]);
  const monthSum = (m: string) => sumDecimals(invested.get(m) ?? []);
  const annualPlan = sumDecimals(plans.map((p) => p.annual_plan));
  let cumulative = '0';
  let lastCumulative = '0';
  const months = monthsOf(year, Math.max(0, throughIndex)).map((month) => {
    const last = `${year - 1}${month.slice(4)}`;
    cumulative = sumDecimals([cumulative, monthSum(month)]);
    lastCumulative = sumDecimals([lastCumulative, monthSum(last)]);
    return {
      month,
      invested: monthSum(month),
      cumulative,
      lastYear: monthSum(last),
      lastYearCumulative: lastCumulative,
      completion: percentOf(cumulative, annualPlan),
    };
  });
  const target = targets[0]?.amount ?? null;
  const campaigns = await Promise.all(
    campaignIds.map(async (id) => {
      // the view region's own figures, whichever region the caller works in
      const detail = await getCampaignDetail(
        db,
        { ...actor, activeRegionCode: view.code, scopePath: view.path },
        id,
      );
      const own = detail.regions[0]!;
      return {
        id,
        // names usually say 第N期 already ("第7期"三个一批"")
        title: detail.campaign.name.includes(`第${detail.campaign.number}期`)
          ? detail.campaign.name
          : `第${detail.campaign.number}期 ${detail.campaign.name}`,
        batches: own.batches.map((b) => ({
          kind: b.kind,
          count: b.count,
          totalInvestment: b.totalInvestment,
          annualPlan: b.annualPlan,
          achieved: b.achieved,
          rate: b.rate,
        })),
      };
    }),
  );
  return {
    regionCode: view.code,
    regionName: view.name,
    regionLevel: view.level,
    year,
    throughMonth: through,
    library: {
      projects: total?.projects ?? 0,
      totalInvestment: total?.total_investment ?? '0',
      byStage: slices('stage', projectStages, (k) => projectStageLabels[k as never]),
      byLevel: slices('level', projectLevels, (k) => projectLevelLabels[k as never]),
      byCluster: slices('industry_cluster', industryClusters, (k) => k).filter(
        (s) => s.projects > 0,
      ),
      byRegion,
    },
    investment: {
      planProjects: plans.reduce((a, p) => a + p.projects, 0),
      annualPlan,
      invested: cumulative,
      completion: percentOf(cumulative, annualPlan),
      target,
      targetCompletion: target ? percentOf(cumulative, target) : null,
      lastYearInvested: lastCumulative,
      growth: growthOf(cumulative, lastCumulative),
      months,
    },
    warnings: {
      redMilestones: warnings.red,
      yellowMilestones: warnings.yellow,
      lateReports: reports
        .filter((r) => r.month >= `${year}-01` && r.month <= through)
        .reduce((a, r) => a + r.late, 0),
      openProblems: warnings.open,
      overdueProblems: warnings.overdue,
    },
    campaigns,
  };
}

// ---------------------------------------------------------------- ranking

/** The value of an indicator for one region, reports counted up to `through`. */
function valueOf(f: ChildFigures, indicator: RankingIndicator, year: number, through: string) {
  const invested = sumInvested(f.months, `${year}-01`, through);
  switch (indicator) {
    case 'invested':
      return invested;
    case 'completion':
      return percentOf(invested, f.annualPlan);
    case 'targetCompletion':
      return f.target ? percentOf(invested, f.target) : null;
    case 'growth':
      return growthOf(
        invested,
        sumInvested(f.months, `${year - 1}-01`, `${year - 1}${through.slice(4)}`),
      );
    case 'projects':
      return String(f.projects);
    case 'totalInvestment':
      return f.totalInvestment;
  }
}

/** 1, 2, 2, 4 … for values in descending order; null values are unranked. */
function ranks(values: Array<string | null>): Array<number | null> {
  return values.map((v) =>
    v === null ? null : 1 + values.filter((o) => o !== null && compareDecimals(o, v) > 0).length,
  );
}

export async function getRanking(db: Db, actor: Actor, q: RankingQuery): Promise<Ranking> {
  assertCan(actor, 'dashboard.read');
  const year = q.year ?? Number(monthOf(new Date()).slice(0, 4));
  const { view, children } = await viewOf(db, actor, q.regionCode);
  const through = throughMonthOf(year, q.month);
  const m = Number(through.slice(5, 7));
  const previous = m > 1 ? `${year}-${String(m - 1).padStart(2, '0')}` : null;
  // the library (the largest rollup read) only for the indicators that use it
  const needsLibrary = q.indicator === 'projects' || q.indicator === 'totalInvestment';
  const [library, plans, reports, targets] = await Promise.all([
    needsLibrary ? repo.libraryFigures(db, view.path) : Promise.resolve([]),
    repo.planFigures(db, view.path, year),
    repo.reportFigures(db, view.path, year),
    repo.targetsOf(
      db,
      children.map((c) => c.code),
      year,
    ),
  ]);
  const figures: ChildFigures[] = children.map((c) => {
    const lib = library.find(
      (r) =>
        r.child === c.code && r.stage === null && r.level === null && r.industry_cluster === null,
    );
    const plan = plans.find((p) => p.child === c.code);
    return {
      code: c.code,
      name: c.name,
      projects: lib?.projects ?? 0,
      totalInvestment: lib?.total_investment ?? '0',
      annualPlan: plan?.annual_plan ?? '0',
      months: new Map(reports.filter((r) => r.child === c.code).map((r) => [r.month, r.invested])),
      target: targets.find((t) => t.region_code === c.code)?.amount ?? null,
    };
  });
  const values = figures.map((f) => valueOf(f, q.indicator, year, through));
  // the library has no history: its indicators have no previous rank
  // the library has no history of its own: it is compared with the snapshot
  // taken when last month ended (dashboard.snapshot job), when there is one
  let before: Array<string | null> | null = null;
  let comparedWith: string | null = null;
  if (needsLibrary) {
    const last = previousMonthOf(monthOf(new Date()));
    const snap = (await repo.hasSnapshot(db, last))
      ? await repo.snapshotFigures(db, view.path, last)
      : null;
    if (snap) {
      comparedWith = last;
      before = children.map((c) => {
        const row = snap.find((r) => r.child === c.code);
        if (q.indicator === 'projects') return String(row?.projects ?? 0);
        return row?.total_investment ?? '0';
      });
    }
  } else if (previous) {
    comparedWith = previous;
    before = figures.map((f) => valueOf(f, q.indicator, year, previous));
  }
  const now = ranks(values);
  const prev = before ? ranks(before) : null;
  const rows = figures
    .map((f, i) => ({
      regionCode: f.code,
      regionName: f.name,
      value: values[i] ?? null,
      rank: now[i] ?? null,
      previousRank: prev?.[i] ?? null,
      change: now[i] != null && prev?.[i] != null ? prev[i]! - now[i]! : null,
    }))
    .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.regionCode.localeCompare(b.regionCode));
  return {
    indicator: q.indicator,
    label: rankingIndicatorLabels[q.indicator],
    throughMonth: through,
    previousMonth: comparedWith,
    rows,
  };
}

// ---------------------------------------------------------------- map points

/** The region's largest located projects, for the points on the map. */
export async function getMapPoints(db: Db, actor: Actor, q: { regionCode?: string | undefined }) {
  assertCan(actor, 'dashboard.read');
  const { view } = await viewOf(db, actor, q.regionCode);
  const { points, located } = await repo.mapPointsOf(db, view.path, MAP_POINTS_LIMIT);
  return {
    located,
    points: points.map((p) => ({
      id: p.id,
      name: p.name,
      regionCode: p.region_code,
      stage: p.stage,
      totalInvestment: p.total_investment,
      lng: Number(p.lng),
      lat: Number(p.lat),
    })),
  };
}

// ---------------------------------------------------------------- targets

/** The year's targets of the view region and the regions below it (set or not). */
export async function listTargets(
  db: Db,
  actor: Actor,
  q: { year?: number | undefined },
): Promise<InvestmentTarget[]> {
  assertCan(actor, 'dashboard.read');
  const year = q.year ?? Number(monthOf(new Date()).slice(0, 4));
  const { view, children } = await viewOf(db, actor);
  // targets are set for the city and its districts, not for streets
  const regions = [
    { code: view.code, name: view.name },
    ...(view.level === 'city' ? children : []),
  ];
  const set = await repo.targetsOf(
    db,
    regions.map((r) => r.code),
    year,
  );
  return regions.map((r) => {
    const t = set.find((x) => x.region_code === r.code);
    return {
      regionCode: r.code,
      regionName: r.name,
      year,
      amount: t?.amount ?? null,
      setBy: t?.set_by ?? null,
      updatedAt: t?.updated_at.toISOString() ?? null,
    };
  });
}

/** The city sets (or clears) the year's targets of itself and its districts. */
export async function setTargets(
  db: Db,
  actor: Actor,
  input: { year: number; targets: Array<{ regionCode: string; amount: string | null }> },
): Promise<InvestmentTarget[]> {
  assertCan(actor, 'dashboard.set_targets');
  const codes = input.targets.map((t) => t.regionCode);
  if (new Set(codes).size !== codes.length)
    throw new DomainError('VALIDATION_FAILED', {
      message: '同一区县的目标填写了多次',
      issues: [{ path: 'targets', message: '同一区县的目标填写了多次' }],
    });
  return db.transaction().execute(async (trx) => {
    for (const [i, t] of input.targets.entries()) {
      const r = await getRegionInScope(trx, actor, t.regionCode);
      if (r.level !== 'city' && r.level !== 'district')
        throw new DomainError('VALIDATION_FAILED', {
          message: '年度目标只能设到市或区县',
          issues: [{ path: `targets.${i}.regionCode`, message: `${r.name}不是市或区县` }],
        });
      if (t.amount !== null && compareDecimals(t.amount, '0') <= 0)
        throw new DomainError('VALIDATION_FAILED', {
          message: '年度目标须大于零',
          issues: [{ path: `targets.${i}.amount`, message: '年度目标须大于零（万元）' }],
        });
    }
    const who = auditActorOf(actor);
    const before = await repo.targetsOf(trx, codes, input.year);
    for (const t of input.targets) {
      if (t.amount === null)
        await trx
          .deleteFrom('investment_targets')
          .where('year', '=', input.year)
          .where('region_code', '=', t.regionCode)
          .execute();
      else
        await trx
          .insertInto('investment_targets')
          .values({
            region_code: t.regionCode,
            year: input.year,
            amount: t.amount,
            set_by: who.name,
            updated_at: new Date(),
          })
          .onConflict((oc) =>
            oc
              .columns(['year', 'region_code'])
              .doUpdateSet({ amount: t.amount!, set_by: who.name, updated_at: new Date() }),
          )
          .execute();
    }
    await recordAudit(trx, who, {
      action: 'dashboard.targets_set',
      entityType: 'investment_target',
      entityId: String(input.year),
      regionCode: actor.activeRegionCode,
      before: before.map((b) => ({ regionCode: b.region_code, amount: b.amount })),
      after: input.targets,
    });
    return listTargets(trx, actor, { year: input.year });
  });
}
