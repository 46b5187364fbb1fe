import {
  batchKindLabels,
  compareDecimals,
  percentOf,
  roundDecimal,
  sumDecimals,
  wanToYi,
  type Briefing,
  type Dashboard,
  type Ranking,
} from '@xiangmu/contracts';

/**
 * The monthly briefing as prose, written from the dashboard figures only, in
 * the style of the offices' own 简报: amounts in 亿元 with one decimal, counts
 * with 个, shares with %. A figure that cannot be computed (no plan, no last
 * year, no target) is left out of the sentence, never written as null.
 */

export interface BriefingOptions {
  /** issue date, 'YYYY-MM-DD' */
  date: string;
  /** further rankings (completion, growth …) for the sentences and table columns */
  more?: Ranking[];
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const numeral = (i: number) => NUMERALS[i] ?? String(i + 1);

/** 万元 → '216.8亿元'; an amount that would round to 0.0亿元 is written in 万元. */
export function yiText(wan: string): string {
  const yi = roundDecimal(wanToYi(wan), 1);
  if (yi === '0' && compareDecimals(wan, '0') !== 0) return `${roundDecimal(wan, 0)}万元`;
  return `${yi}亿元`;
}

/** 万元 → '216.80' (亿元, two decimals) for tables. */
export function yiFixed(wan: string): string {
  const [int, frac = ''] = roundDecimal(wanToYi(wan), 2).split('.');
  return `${int}.${frac.padEnd(2, '0')}`;
}

/** '105.0' → '105%' */
export const pctText = (p: string) => `${p.replace(/\.0+$/, '')}%`;

/** 同比: '同比增长27.1%', '同比下降5.2%' or '与上年同期持平'. */
export function growthText(g: string): string {
  const c = compareDecimals(g, '0');
  if (c === 0) return '与上年同期持平';
  return c > 0 ? `同比增长${pctText(g)}` : `同比下降${pctText(g.slice(1))}`;
}

/** '2026-12-01' → '2026年12月1日' (Arabic numerals, as GB/T 9704 asks) */
export function dateText(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const monthIndex = (d: Dashboard) => Number(d.throughMonth.slice(5, 7));

/** '1—11月', or '1月' in January */
const periodText = (m: number) => (m <= 1 ? '1月' : `1—${m}月`);

/** 全市 / 全区 / 全街道 as the offices call their own region */
function localWord(d: Dashboard) {
  if (d.regionLevel === 'city') return '全市';
  if (d.regionLevel === 'district') return '全区';
  return d.regionName;
}

const listText = (xs: string[]) => xs.join('，');

function librarySection(d: Dashboard, date: string): string[] {
  const lib = d.library;
  // the library is the present state, so it is dated by the issue date
  const out = [
    `截至${dateText(date)}，${d.regionName}在库重点项目${lib.projects}个，总投资${yiText(lib.totalInvestment)}。`,
  ];
  if (lib.projects === 0) return out;
  const stages = lib.byStage
    .filter((s) => s.projects > 0)
    .map((s) => `${s.label}项目${s.projects}个、总投资${yiText(s.totalInvestment)}`);
  if (stages.length) out.push(`按项目阶段分：${stages.join('；')}。`);
  const levels = lib.byLevel
    .filter((s) => s.projects > 0)
    .map((s) => `${s.label}项目${s.projects}个`);
  const clusters = [...lib.byCluster]
    .sort(
      (a, b) => b.projects - a.projects || compareDecimals(b.totalInvestment, a.totalInvestment),
    )
    .slice(0, 3)
    .map((s) => `${s.label}${s.projects}个`);
  const more: string[] = [];
  if (levels.length) more.push(`按项目级别分，${listText(levels)}`);
  if (clusters.length) more.push(`项目数居前的产业集群为${clusters.join('、')}`);
  if (more.length) out.push(`${more.join('；')}。`);
  const regions = lib.byRegion
    .filter((r) => r.key !== d.regionCode && r.projects > 0)
    .sort((a, b) => compareDecimals(b.totalInvestment, a.totalInvestment))
    .slice(0, 3)
    .map((r) => `${r.label}（${r.projects}个、${yiText(r.totalInvestment)}）`);
  if (regions.length) out.push(`分区域看，总投资居前的是${regions.join('、')}。`);
  return out;
}

function investmentSection(d: Dashboard): string[] {
  const m = monthIndex(d);
  const inv = d.investment;
  const out: string[] = [];
  const plan =
    inv.planProjects > 0
      ? `${d.year}年，${localWord(d)}纳入年度计划的项目${inv.planProjects}个，年度计划投资${yiText(inv.annualPlan)}。`
      : `${d.year}年，${localWord(d)}暂无纳入年度计划的项目。`;
  const done = [`${periodText(m)}累计完成投资${yiText(inv.invested)}`];
  if (inv.completion !== null) done.push(`占年度计划的${pctText(inv.completion)}`);
  if (inv.growth !== null)
    done.push(`${growthText(inv.growth)}（上年同期${yiText(inv.lastYearInvested)}）`);
  out.push(`${plan}${listText(done)}。`);
  const month = inv.months.find((x) => x.month === d.throughMonth);
  if (month && m > 1) {
    const growth =
      compareDecimals(month.lastYear, '0') === 0
        ? null
        : percentOf(sumDecimals([month.invested, `-${month.lastYear}`]), month.lastYear);
    out.push(
      `其中${m}月当月完成投资${yiText(month.invested)}${growth !== null ? `，${growthText(growth)}` : ''}。`,
    );
  }
  if (inv.target !== null) {
    const t = [`年度投资目标${yiText(inv.target)}`];
    if (inv.targetCompletion !== null) t.push(`完成年度目标的${pctText(inv.targetCompletion)}`);
    out.push(`${listText(t)}。`);
  }
  return out;
}

function campaignSection(d: Dashboard): string[] {
  return d.campaigns.map((c, i) => {
    const count = c.batches.reduce((a, b) => a + b.count, 0);
    const total = sumDecimals(c.batches.map((b) => b.totalInvestment));
    const head = `（${numeral(i)}）${c.title}。`;
    if (count === 0) return `${head}本期暂无入库的“三个一批”项目。`;
    const batches = c.batches
      .filter((b) => b.count > 0)
      .map((b) => {
        const rate = percentOf(String(b.achieved), String(b.count));
        const base = `${batchKindLabels[b.kind]}项目${b.count}个、总投资${yiText(b.totalInvestment)}`;
        if (rate === null) return base;
        if (b.kind === 'sign')
          return `${base}，已开工${b.achieved}个，签约转开工率${pctText(rate)}`;
        if (b.kind === 'start') return `${base}，已开工${b.achieved}个，开工率${pctText(rate)}`;
        return `${base}，按期投产${b.achieved}个，按期投产率${pctText(rate)}`;
      });
    return `${head}本期共谋划“三个一批”项目${count}个，总投资${yiText(total)}。其中，${batches.join('；')}。`;
  });
}

function warningSection(d: Dashboard): string[] {
  const w = d.warnings;
  const lights =
    w.redMilestones + w.yellowMilestones === 0
      ? '目前没有亮红灯、黄灯的项目节点'
      : `目前亮红灯的项目节点${w.redMilestones}个、亮黄灯的${w.yellowMilestones}个`;
  const late =
    w.lateReports === 0 ? '本年月度调度均按时填报' : `本年以来逾期填报月度调度${w.lateReports}次`;
  const problems =
    w.openProblems === 0
      ? '项目反映的问题均已解决'
      : `项目反映的问题尚未解决${w.openProblems}个${w.overdueProblems > 0 ? `，其中超过办理时限${w.overdueProblems}个` : ''}`;
  const out = [`${lights}；${late}；${problems}。`];
  if (w.redMilestones > 0 || w.overdueProblems > 0)
    out.push('请相关单位对照红灯节点和超期问题逐项落实责任，限期整改销号。');
  return out;
}

/** The figure of a ranking row as prose: 亿元 or %. */
function valueText(r: Ranking, v: string) {
  if (r.indicator === 'invested' || r.indicator === 'totalInvestment') return yiText(v);
  if (r.indicator === 'projects') return `${v}个`;
  return pctText(v);
}

function rankingSentences(rankings: Ranking[], m: number): string[] {
  const out: string[] = [];
  for (const r of rankings) {
    // a region with nothing reported is not named among the first
    const amount = r.indicator === 'invested' || r.indicator === 'totalInvestment';
    const ranked = r.rows.filter(
      (x) => x.rank !== null && x.value !== null && (!amount || compareDecimals(x.value, '0') > 0),
    );
    if (!ranked.length) continue;
    const label = r.indicator === 'invested' ? `${periodText(m)}完成投资` : r.label;
    const top = ranked.slice(0, 3);
    const firsts = ranked.filter((x) => x.rank === ranked[0]!.rank);
    const names = (xs: typeof ranked) => xs.map((x) => x.regionName).join('、');
    let s: string;
    if (r.indicator === 'growth')
      s = `从${label}看，${names(firsts)}${growthText(firsts[0]!.value!)}，居首位`;
    else if (top.length === 3 && firsts.length === 1 && new Set(top.map((x) => x.rank)).size === 3)
      s = `从${label}看，${names(top)}位列前三，分别为${top.map((x) => valueText(r, x.value!)).join('、')}`;
    else s = `从${label}看，${names(firsts)}以${valueText(r, firsts[0]!.value!)}居首`;
    const up = ranked
      .filter((x) => x.change !== null && x.change > 0)
      .sort((a, b) => b.change! - a.change!)[0];
    if (up) s += `；${up.regionName}较上月上升${up.change}位，进步最快`;
    out.push(`${s}。`);
  }
  return out;
}

const changeText = (c: number | null) =>
  c === null ? '—' : c > 0 ? `上升${c}位` : c < 0 ? `下降${-c}位` : '持平';

function rankingTable(primary: Ranking, more: Ranking[]) {
  const cols = more.filter((r) => r.indicator !== primary.indicator);
  const cell = (r: Ranking, code: string) => {
    const v = r.rows.find((x) => x.regionCode === code)?.value ?? null;
    if (v === null) return '—';
    if (r.indicator === 'invested' || r.indicator === 'totalInvestment') return yiFixed(v);
    if (r.indicator === 'projects') return v;
    return pctText(v);
  };
  const unit = (r: Ranking) =>
    r.indicator === 'invested' || r.indicator === 'totalInvestment'
      ? `${r.label}（亿元）`
      : r.label;
  return {
    header: ['名次', '区域', unit(primary), ...cols.map(unit), '较上月'],
    rows: primary.rows.map((x) => [
      x.rank === null ? '—' : String(x.rank),
      x.regionName,
      cell(primary, x.regionCode),
      ...cols.map((r) => cell(r, x.regionCode)),
      changeText(x.change),
    ]),
  };
}

function distributionOf(d: Dashboard) {
  if (d.regionLevel === 'city')
    return {
      submit: '报送：市委、市政府主要领导，市委、市政府分管领导。',
      copy: '分送：各区县（市）人民政府、管委会，市直有关部门。',
    };
  if (d.regionLevel === 'district')
    return {
      submit: '报送：市重点项目建设指挥部办公室，区委、区政府（管委会）主要领导、分管领导。',
      copy: '分送：各街道（乡镇），区直有关部门。',
    };
  return {
    submit: '报送：区重点项目建设指挥部办公室，街道党工委、办事处主要领导。',
    copy: '分送：各社区，街道有关科室。',
  };
}

/**
 * Straight double quotes in names typed by users (a campaign called
 * 第七期"三个一批") become the Chinese pair “…”, as an official document
 * writes them: opening and closing in turn within each paragraph.
 */
export function chineseQuotes(text: string): string {
  let open = true;
  return text.replace(/"/g, () => {
    const q = open ? '“' : '”';
    open = !open;
    return q;
  });
}

export function briefingText(d: Dashboard, ranking: Ranking, opts: BriefingOptions): Briefing {
  const m = monthIndex(d);
  const rankings = [ranking, ...(opts.more ?? []).filter((r) => r.indicator !== ranking.indicator)];
  const parts: Array<[string, string[]]> = [
    ['项目库总体情况', librarySection(d, opts.date)],
    ['年度投资完成情况', investmentSection(d)],
    ['“三个一批”项目推进情况', campaignSection(d)],
    ['项目预警和问题办理情况', warningSection(d)],
    ['区域排名情况', rankingSentences(rankings, m)],
  ];
  const sections = parts
    .filter(([, paragraphs]) => paragraphs.length > 0)
    .map(([heading, paragraphs], i) => ({
      heading: `${numeral(i)}、${heading}`,
      paragraphs: paragraphs.map(chineseQuotes),
    }));
  const ranked =
    ranking.rows.length > 0 && sections.some((s) => s.heading.endsWith('区域排名情况'));
  return {
    regionCode: d.regionCode,
    regionName: d.regionName,
    year: d.year,
    month: d.throughMonth,
    masthead: `${d.regionName}重点项目建设简报`,
    title: `${d.regionName}${d.year}年${periodText(m)}重点项目建设情况`,
    issueNumber: m,
    date: dateText(opts.date),
    office: `${d.regionName}重点项目建设指挥部办公室`,
    sections,
    rankingTable: ranked ? rankingTable(ranking, rankings) : { header: [], rows: [] },
    distribution: distributionOf(d),
  };
}
