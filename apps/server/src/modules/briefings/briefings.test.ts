import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  industryClusters,
  monthOf,
  projectLevels,
  projectStageLabels,
  projectStages,
  type Dashboard,
  type Ranking,
} from '@xiangmu/contracts';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { unzip, wordText as xmlText } from '../../test/zip';
import { briefingText, growthText, pctText, yiText } from './briefing.text';
import { yiNumber } from './briefing.xlsx';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
const year = Number(monthOf(new Date()).slice(0, 4));
const through = monthOf(new Date());
const throughIndex = Number(through.slice(5, 7));

/** mulberry32, so a failure can be replayed */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const allText = (b: {
  title: string;
  sections: Array<{ heading: string; paragraphs: string[] }>;
}) => [b.title, ...b.sections.flatMap((s) => [s.heading, ...s.paragraphs])].join('\n');

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');

  const rnd = random(20261130);
  const regions = ['410171', '410171561', '410105', '410102', '410100'];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const projects = Array.from({ length: 80 }, (_, i) => ({
    name: `简报测试项目${i}`,
    name_initials: 'jb',
    owner_name: '测试企业',
    owner_credit_code: '91410100MA9GL8K3XA',
    region_code: pick(regions),
    industry_cluster: pick(industryClusters.slice(0, 4)),
    level: pick(projectLevels),
    total_investment: (Math.floor(rnd() * 5_000_000) / 100).toFixed(2),
    annual_plan: (Math.floor(rnd() * 1_000_000) / 100).toFixed(2),
    plan_year: year,
    stage: pick(projectStages),
  }));
  const ids = await ctx.db
    .insertInto('projects')
    .values(projects)
    .returning(['id', 'region_code'])
    .execute();
  const months = [
    ...Array.from({ length: 12 }, (_, i) => `${year - 1}-${String(i + 1).padStart(2, '0')}`),
    ...Array.from({ length: throughIndex }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`),
  ];
  const reports = ids.flatMap(({ id, region_code }) =>
    months
      .filter(() => rnd() < 0.6)
      .map((month) => ({
        project_id: id,
        region_code,
        month,
        invested: (Math.floor(rnd() * 100_000) / 100).toFixed(2),
        progress: '施工',
        late: rnd() < 0.2,
        source: 'import' as const,
        reporter_name: '测试',
      })),
  );
  for (let i = 0; i < reports.length; i += 1000)
    await ctx.db
      .insertInto('monthly_reports')
      .values(reports.slice(i, i + 1000))
      .execute();
  const t = await ctx.request('PUT', '/api/dashboard/targets', {
    as: city,
    body: { year, targets: [{ regionCode: '410171', amount: '400000' }] },
  });
  expect(t.status, JSON.stringify(t.body)).toBe(200);
});
afterAll(() => ctx?.close());

const get = async (as: Session, url: string) => {
  const res = await ctx.request('GET', url, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
};

describe('the briefing text', () => {
  it.each([
    ['a district', () => jk, ''],
    ['the city', () => city, ''],
    ['the city looking at a district', () => city, '&regionCode=410171'],
  ])('%s: the prose carries the dashboard figures', async (_, as, extra) => {
    const d: Dashboard = (await get(as(), `/api/dashboard?year=${year}${extra}`)).body;
    const r: Ranking = (
      await get(as(), `/api/dashboard/ranking?indicator=invested&year=${year}${extra}`)
    ).body;
    const b = (await get(as(), `/api/briefings?year=${year}${extra}`)).body;
    const text = allText(b);
    expect(b.regionCode).toBe(d.regionCode);
    expect(b.issueNumber).toBe(throughIndex);
    expect(b.month).toBe(d.throughMonth);
    expect(b.masthead).toBe(`${d.regionName}重点项目建设简报`);
    expect(b.office).toBe(`${d.regionName}重点项目建设指挥部办公室`);
    expect(b.date).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(text).toContain(
      `在库重点项目${d.library.projects}个，总投资${yiText(d.library.totalInvestment)}`,
    );
    for (const s of d.library.byStage.filter((x) => x.projects > 0))
      expect(text).toContain(`${s.label}项目${s.projects}个、总投资${yiText(s.totalInvestment)}`);
    expect(text).toContain(`年度计划投资${yiText(d.investment.annualPlan)}`);
    expect(text).toContain(`累计完成投资${yiText(d.investment.invested)}`);
    if (d.investment.completion)
      expect(text).toContain(`占年度计划的${pctText(d.investment.completion)}`);
    if (d.investment.growth) expect(text).toContain(growthText(d.investment.growth));
    if (d.regionCode === '410171') {
      expect(d.investment.targetCompletion).not.toBeNull();
      expect(text).toContain(`完成年度目标的${pctText(d.investment.targetCompletion!)}`);
    } else expect(text).not.toContain('年度目标');
    expect(text).toContain(`逾期填报月度调度${d.warnings.lateReports}次`);
    // the ranking: the table in the ranking's order, the first place named in the prose
    expect(b.rankingTable.rows.map((x: string[]) => x[1])).toEqual(r.rows.map((x) => x.regionName));
    const first = r.rows[0]!;
    if (first.value && Number(first.value) > 0) {
      expect(text).toContain(first.regionName);
      expect(b.rankingTable.rows[0]).toContain(yiNumber(first.value).toFixed(2));
    }
    expect(JSON.stringify(b)).not.toMatch(/null|NaN|undefined/);
  });

  it('an earlier month: its investment figures, and the ranking the dashboard had then', async () => {
    if (throughIndex < 2) return; // January has no earlier month
    const m = throughIndex - 1;
    const d: Dashboard = (await get(city, `/api/dashboard?year=${year}`)).body;
    const r: Ranking = (await get(city, `/api/dashboard/ranking?indicator=invested&year=${year}`))
      .body;
    const b = (await get(city, `/api/briefings?year=${year}&month=${m}`)).body;
    const row = d.investment.months[m - 1]!;
    expect(b.issueNumber).toBe(m);
    expect(b.title).toContain(m === 1 ? '1月' : `1—${m}月`);
    expect(allText(b)).toContain(`累计完成投资${yiText(row.cumulative)}`);
    // the dashboard's previous rank is the rank with reports up to month m
    for (const x of b.rankingTable.rows as string[][]) {
      const was = r.rows.find((o) => o.regionName === x[1])!;
      expect([x[1], x[0]]).toEqual([x[1], String(was.previousRank ?? '—')]);
    }
  });

  it('a district may not have another district’s briefing; hostile or wrong input is refused in Chinese', async () => {
    for (const path of ['/api/briefings', '/api/briefings/docx', '/api/briefings/xlsx']) {
      const res = await ctx.request('GET', `${path}?regionCode=410171`, { as: js });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('REGION_OUT_OF_SCOPE');
    }
    for (const q of [
      `regionCode=${encodeURIComponent("<script>alert('x')</script>")}`,
      `regionCode=${encodeURIComponent("410171' or 1=1 --")}`,
      'month=13',
      'month=abc',
      'year=1999',
      `year=${year + 1}`,
      'drop=1',
    ]) {
      const res = await ctx.request('GET', `/api/briefings?${q}`, { as: city });
      expect(res.status, q).toBe(400);
      expect(hasChinese(res.body.message), q).toBe(true);
    }
  });
});

describe('the briefing as files', () => {
  it('the .docx: masthead, issue, title and figures, GB/T 9704 page layout, odd/even page numbers', async () => {
    const d: Dashboard = (await get(jk, `/api/dashboard?year=${year}`)).body;
    const b = (await get(jk, `/api/briefings?year=${year}`)).body;
    const res = await get(jk, `/api/briefings/docx?year=${year}`);
    expect(res.headers['content-type']).toContain('wordprocessingml.document');
    const name = `郑州经济技术开发区重点项目建设简报-${year}年${throughIndex}月.docx`;
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    const zip = unzip(res.raw);
    const xml = zip.get('word/document.xml')!.toString('utf8');
    const text = xmlText(xml);
    expect(text).toContain('郑州经济技术开发区重点项目建设简报');
    expect(text).toContain(`第${throughIndex}期`);
    expect(text).toContain(b.title);
    expect(text).toContain(b.date);
    expect(text).toContain(`总投资${yiText(d.library.totalInvestment)}`);
    expect(text).toContain(`累计完成投资${yiText(d.investment.invested)}`);
    expect(text).toContain('报送：');
    expect(text).toContain('分送：');
    for (const row of b.rankingTable.rows as string[][]) expect(text).toContain(row[1]);

    const attr = (tag: string, a: string) =>
      Number(new RegExp(`<w:${tag}\\b[^>]*\\bw:${a}="(\\d+)"`).exec(xml)?.[1]);
    // 1 mm = 56.69 twips: top 37 mm, left 28 mm, right 26 mm, bottom 35 mm, A4
    expect(Math.abs(attr('pgMar', 'top') - 2098)).toBeLessThanOrEqual(2);
    expect(Math.abs(attr('pgMar', 'left') - 1588)).toBeLessThanOrEqual(2);
    expect(Math.abs(attr('pgMar', 'right') - 1474)).toBeLessThanOrEqual(2);
    expect(Math.abs(attr('pgMar', 'bottom') - 1984)).toBeLessThanOrEqual(2);
    expect(Math.abs(attr('pgSz', 'w') - 11906)).toBeLessThanOrEqual(2);
    expect(Math.abs(attr('pgSz', 'h') - 16838)).toBeLessThanOrEqual(2);
    // 22 lines in 225 mm, exactly
    expect(xml).toMatch(/<w:spacing[^>]*w:line="579"[^>]*w:lineRule="exact"/);
    expect(xml).toContain('仿宋_GB2312');
    expect(xml).toContain('方正小标宋简体');
    expect(xml).toContain('黑体');
    expect(xml).toMatch(/w:color w:val="FF0000"/);
    expect(xml).toMatch(/w:sz w:val="44"/); // the title, 2号 = 22 pt
    // odd and even page footers, "— N —", right and left
    expect(zip.get('word/settings.xml')!.toString('utf8')).toContain('w:evenAndOddHeaders');
    expect(xml).toMatch(/<w:footerReference[^>]*w:type="even"/);
    expect(xml).toMatch(/<w:footerReference[^>]*w:type="default"/);
    const footers = [...zip.keys()]
      .filter((k) => /^word\/footer\d+\.xml$/.test(k))
      .map((k) => zip.get(k)!.toString('utf8'));
    expect(footers).toHaveLength(2);
    for (const f of footers) {
      expect(f).toContain('PAGE');
      expect(xmlText(f)).toContain('— ');
    }
    expect(footers.map((f) => /<w:jc w:val="(\w+)"/.exec(f)?.[1]).sort()).toEqual([
      'left',
      'right',
    ]);
  });

  it('the .xlsx: 指标, 排名 and 月度 with the same figures, amounts in 亿元', async () => {
    const d: Dashboard = (await get(city, `/api/dashboard?year=${year}`)).body;
    const r: Ranking = (await get(city, `/api/dashboard/ranking?indicator=invested&year=${year}`))
      .body;
    const res = await get(city, `/api/briefings/xlsx?year=${year}`);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent(`郑州市重点项目建设简报-${year}年${throughIndex}月.xlsx`)}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['指标', '排名', '月度']);
    const facts = new Map<string, unknown>();
    wb.getWorksheet('指标')!.eachRow((row, i) => {
      if (i > 2) facts.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    expect(String(wb.getWorksheet('指标')!.getCell('A1').value)).toContain('重点项目建设情况');
    expect(facts.get('在库项目')).toBe(d.library.projects);
    expect(facts.get('在库项目总投资')).toBe(yiNumber(d.library.totalInvestment));
    expect(facts.get('累计完成投资')).toBe(yiNumber(d.investment.invested));
    expect(facts.get('年度计划投资')).toBe(yiNumber(d.investment.annualPlan));
    for (const s of d.library.byStage)
      expect(facts.get(`${projectStageLabels[s.key as 'planned']}项目`)).toBe(s.projects);

    const rank = wb.getWorksheet('排名')!;
    const rows: unknown[][] = [];
    rank.eachRow((row, i) => {
      if (i > 2) rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows.map((x) => x[1])).toEqual(r.rows.map((x) => x.regionName));
    r.rows.forEach((x, i) => {
      expect(rows[i]![0] ?? null).toBe(x.rank);
      expect(rows[i]![2] ?? null).toBe(x.value === null ? null : yiNumber(x.value));
    });

    const monthly = wb.getWorksheet('月度')!;
    expect(monthly.rowCount - 2).toBe(d.investment.months.length);
    d.investment.months.forEach((m, i) => {
      const row = monthly.getRow(i + 3);
      expect(row.getCell(1).value).toBe(m.month);
      expect(row.getCell(3).value).toBe(yiNumber(m.cumulative));
    });
  });
});

describe('briefingText, by hand', () => {
  const slice = (key: string, label: string, projects: number, total: string) => ({
    key,
    label,
    projects,
    totalInvestment: total,
  });
  const dashboard: Dashboard = {
    regionCode: '410171',
    regionName: '经开区',
    regionLevel: 'district',
    year: 2023,
    throughMonth: '2023-11',
    library: {
      projects: 16,
      totalInvestment: '2168000',
      byStage: [
        slice('signed', '签约', 3, '850000'),
        slice('building', '在建', 6, '919000'),
        slice('operating', '投产', 7, '399000'),
        slice('planned', '谋划', 0, '0'),
      ],
      byLevel: [slice('city', '市重点', 16, '2168000')],
      byCluster: [slice('汽车', '汽车', 9, '1200000')],
      byRegion: [slice('410171561', '潮河街道', 16, '2168000')],
    },
    investment: {
      planProjects: 0,
      annualPlan: '0',
      invested: '0',
      completion: null,
      target: null,
      targetCompletion: null,
      lastYearInvested: '0',
      growth: null,
      months: [],
    },
    warnings: {
      redMilestones: 0,
      yellowMilestones: 0,
      lateReports: 0,
      openProblems: 2,
      overdueProblems: 0,
    },
    campaigns: [
      {
        id: 1,
        title: '第七期"三个一批"',
        batches: [
          {
            kind: 'sign',
            count: 3,
            totalInvestment: '850000',
            annualPlan: '0',
            achieved: 1,
            rate: 1 / 3,
          },
          {
            kind: 'start',
            count: 6,
            totalInvestment: '919000',
            annualPlan: '0',
            achieved: 6,
            rate: 1,
          },
          {
            kind: 'produce',
            count: 7,
            totalInvestment: '399000',
            annualPlan: '0',
            achieved: 7,
            rate: 1,
          },
        ],
      },
    ],
  };
  const ranking: Ranking = {
    indicator: 'invested',
    label: '本年完成投资',
    throughMonth: '2023-11',
    previousMonth: '2023-10',
    rows: [],
  };

  it('writes the seed sentences: counts with 个, 亿元 with one decimal, rates with %', () => {
    const b = briefingText(dashboard, ranking, { date: '2023-12-01' });
    const text = allText(b);
    expect(text).toContain('16个');
    expect(text).toContain('216.8亿元');
    expect(text).toContain('本期共谋划“三个一批”项目16个，总投资216.8亿元');
    // an official document's quotes: no straight ones, even from names typed with them
    expect(text).not.toContain('"');
    expect(text).toContain('签约一批项目3个、总投资85亿元');
    expect(text).toContain('开工一批项目6个、总投资91.9亿元，已开工6个，开工率100%');
    expect(text).toContain('投产一批项目7个、总投资39.9亿元');
    expect(text).toContain('签约转开工率33.3%');
    expect(b.issueNumber).toBe(11);
    expect(b.date).toBe('2023年12月1日');
    expect(b.title).toBe('经开区2023年1—11月重点项目建设情况');
    expect(b.sections.map((s) => s.heading)).toEqual([
      '一、项目库总体情况',
      '二、年度投资完成情况',
      '三、“三个一批”项目推进情况',
      '四、项目预警和问题办理情况',
    ]);
    expect(b.sections[2]!.paragraphs[0]).toMatch(/^（一）第七期/);
  });

  it('leaves out what cannot be computed, never writing null or NaN', () => {
    const b = briefingText(dashboard, ranking, { date: '2023-12-01' });
    const json = JSON.stringify(b);
    expect(json).not.toMatch(/null|NaN|undefined|Infinity/);
    expect(json).not.toContain('占年度计划');
    expect(json).not.toContain('同比');
    expect(json).not.toContain('年度目标');
    expect(b.rankingTable).toEqual({ header: [], rows: [] });
    const withTarget = briefingText(
      {
        ...dashboard,
        investment: {
          ...dashboard.investment,
          planProjects: 16,
          annualPlan: '1000000',
          invested: '1054000',
          completion: '105.4',
          target: '1000000',
          targetCompletion: '105.4',
          lastYearInvested: '1200000',
          growth: '-12.2',
        },
      },
      ranking,
      { date: '2023-12-01' },
    );
    const text = allText(withTarget);
    expect(text).toContain('完成年度目标的105.4%');
    expect(text).toContain('同比下降12.2%');
    expect(text).toContain('1—11月累计完成投资105.4亿元，占年度计划的105.4%');
  });
});
