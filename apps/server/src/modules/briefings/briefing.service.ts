import {
  beijingDate,
  monthOf,
  type Briefing,
  type BriefingQuery,
  type Dashboard,
  type Ranking,
  type RankingIndicator,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from '../access';
import { getDashboard, getRanking } from '../dashboard';
import { renderBriefingDocx } from './briefing.docx';
import { briefingText } from './briefing.text';
import { renderBriefingXlsx } from './briefing.xlsx';

/**
 * The monthly briefing of a region: the dashboard's figures (read permission
 * and region scope are checked by getDashboard) written as prose, for the
 * month asked for (default: the last month the dashboard counts). Issue N
 * (第N期) is the month covered: the November briefing is 第11期. The project
 * library, the warnings and "三个一批" are the present state.
 */

/** ranked in the briefing: the first is the table's order */
const INDICATORS: readonly RankingIndicator[] = ['invested', 'completion', 'growth'];

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
  const dashboard = await getDashboard(db, actor, q);
  const rankings = await Promise.all(
    INDICATORS.map((indicator) =>
      getRanking(db, actor, { indicator, year, month: q.month, regionCode: dashboard.regionCode }),
    ),
  );
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
