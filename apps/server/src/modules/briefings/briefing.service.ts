import {
  beijingDate,
  compareDecimals,
  monthOf,
  percentOf,
  rankingIndicatorLabels,
  sumDecimals,
  type Briefing,
  type BriefingQuery,
  type Dashboard,
  type Ranking,
  type RankingIndicator,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from '../access';
import { getDashboard, getRanking } from '../dashboard/dashboard.service';
import { renderBriefingDocx } from './briefing.docx';
import { briefingText } from './briefing.text';
import { renderBriefingXlsx } from './briefing.xlsx';

/**
 * The monthly briefing of a region: the dashboard's figures (read permission
 * and region scope are checked by getDashboard) written as prose. Issue N
 * (第N期) is the month covered: the November briefing is 第11期.
 *
 * The dashboard counts reports up to this month (December of a past year).
 * An earlier month takes the investment figures from the dashboard's month
 * rows and ranks the regions below from their own dashboards; the project
 * library, the warnings and "三个一批" are always the present state.
 */

/** ranked in the briefing: the first is the table's order */
const INDICATORS: readonly RankingIndicator[] = ['invested', 'completion', 'growth'];

const pad = (m: number) => String(m).padStart(2, '0');

const growthOf = (now: string, before: string) =>
  compareDecimals(before, '0') === 0 ? null : percentOf(sumDecimals([now, `-${before}`]), before);

/** The dashboard's investment figures as they stood with reports up to `month`. */
export function dashboardAsOf(d: Dashboard, month: string): Dashboard {
  const months = d.investment.months.filter((m) => m.month <= month);
  const last = months.at(-1);
  const invested = last?.cumulative ?? '0';
  const lastYearInvested = last?.lastYearCumulative ?? '0';
  const { annualPlan, target } = d.investment;
  return {
    ...d,
    throughMonth: month,
    investment: {
      ...d.investment,
      invested,
      completion: percentOf(invested, annualPlan),
      targetCompletion: target ? percentOf(invested, target) : null,
      lastYearInvested,
      growth: growthOf(invested, lastYearInvested),
      months,
    },
  };
}

/** 1, 2, 2, 4 … for values in descending order; null values are unranked (as getRanking). */
function ranks(values: Array<string | null>): Array<number | null> {
  return values.map((v) =>
    v === null ? null : 1 + values.filter((o) => o !== null && compareDecimals(o, v) > 0).length,
  );
}

/** An investment ranking of the regions below, from their dashboards, with reports up to `month`. */
export function rankingAsOf(
  children: Dashboard[],
  indicator: RankingIndicator,
  month: string,
): Ranking {
  const m = Number(month.slice(5, 7));
  const previous = m > 1 ? `${month.slice(0, 5)}${pad(m - 1)}` : null;
  const valueAt = (c: Dashboard, at: string) => {
    const inv = dashboardAsOf(c, at).investment;
    switch (indicator) {
      case 'invested':
        return inv.invested;
      case 'completion':
        return inv.completion;
      case 'targetCompletion':
        return inv.targetCompletion;
      case 'growth':
        return inv.growth;
      case 'projects':
        return String(c.library.projects);
      case 'totalInvestment':
        return c.library.totalInvestment;
    }
  };
  const historic = !['projects', 'totalInvestment'].includes(indicator);
  const values = children.map((c) => valueAt(c, month));
  const now = ranks(values);
  const prev = previous && historic ? ranks(children.map((c) => valueAt(c, previous))) : null;
  const rows = children
    .map((c, i) => ({
      regionCode: c.regionCode,
      regionName: c.regionName,
      value: values[i] ?? null,
      rank: now[i] ?? null,
      previousRank: prev?.[i] ?? null,
      change: now[i] != null && prev?.[i] != null ? prev[i]! - now[i]! : null,
    }))
    .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.regionCode.localeCompare(b.regionCode));
  return {
    indicator,
    label: rankingIndicatorLabels[indicator],
    throughMonth: month,
    previousMonth: historic ? previous : null,
    rows,
  };
}

interface BriefingData {
  text: Briefing;
  dashboard: Dashboard;
  rankings: Ranking[];
}

async function briefingData(
  db: Db,
  actor: Actor,
  q: BriefingQuery,
  now = new Date(),
): Promise<BriefingData> {
  const thisYear = Number(monthOf(now).slice(0, 4));
  const year = q.year ?? thisYear;
  if (year > thisYear)
    throw new DomainError('VALIDATION_FAILED', {
      message: `${year}年尚未开始，不能生成简报`,
      issues: [{ path: 'year', message: `${year}年尚未开始，不能生成简报` }],
    });
  const full = await getDashboard(db, actor, { regionCode: q.regionCode, year });
  const through = Number(full.throughMonth.slice(5, 7));
  const m = q.month ?? through;
  if (m > through)
    throw new DomainError('VALIDATION_FAILED', {
      message: `${year}年${m}月尚未到来，不能生成该月简报`,
      issues: [{ path: 'month', message: `${year}年${m}月尚未到来，不能生成该月简报` }],
    });
  let dashboard: Dashboard;
  let rankings: Ranking[];
  if (m === through) {
    dashboard = full;
    rankings = await Promise.all(
      INDICATORS.map((indicator) =>
        getRanking(db, actor, { indicator, year, regionCode: full.regionCode }),
      ),
    );
  } else {
    const month = `${year}-${pad(m)}`;
    dashboard = dashboardAsOf(full, month);
    const children: Dashboard[] = [];
    // one after another: each reads several tables, and the pool is small
    for (const r of full.library.byRegion.filter((x) => x.key !== full.regionCode))
      children.push(await getDashboard(db, actor, { regionCode: r.key, year }));
    rankings = INDICATORS.map((indicator) => rankingAsOf(children, indicator, month));
  }
  const text = briefingText(dashboard, rankings[0]!, {
    date: beijingDate(now),
    more: rankings.slice(1),
  });
  return { text, dashboard, rankings };
}

export async function getBriefing(db: Db, actor: Actor, q: BriefingQuery): Promise<Briefing> {
  return (await briefingData(db, actor, q)).text;
}

/** '郑州经济技术开发区重点项目建设简报-2026年11月' */
const fileStem = (b: Briefing) => `${b.masthead}-${b.year}年${Number(b.month.slice(5, 7))}月`;

export async function briefingDocx(
  db: Db,
  actor: Actor,
  q: BriefingQuery,
): Promise<{ filename: string; file: Buffer }> {
  const { text } = await briefingData(db, actor, q);
  return { filename: `${fileStem(text)}.docx`, file: await renderBriefingDocx(text) };
}

export async function briefingXlsx(
  db: Db,
  actor: Actor,
  q: BriefingQuery,
): Promise<{ filename: string; file: Buffer }> {
  const { text, dashboard, rankings } = await briefingData(db, actor, q);
  return {
    filename: `${fileStem(text)}.xlsx`,
    file: await renderBriefingXlsx(text, dashboard, rankings),
  };
}
