// Words the generated projects are named from, and a seeded random source,
// so every run generates the same data.

export const namePrefixes = ['海尔', '比亚迪', '宇通', '富士康', '中铁', '上汽', '格力', '三一', '中原', '郑煤机', '安图', '一汽解放', '华为', '京东方', '中化', '东风日产', '牧原', '思念', '三全', '好想你', '中储粮', '国药', '正威', '奥克斯']; // prettier-ignore
export const nameMids = ['新能源', '智能制造', '压缩机', '物流', '电池', '汽车零部件', '生物医药', '数据中心', '冷链', '装备', '新材料', '食品加工', '电子信息', '铝精深加工', '检测设备', '商用车']; // prettier-ignore
export const nameSuffixes = ['产业园', '基地', '项目', '二期', '研发中心', '总部', '扩建项目', '生产线', '配套园', '示范区']; // prettier-ignore

/** the platform's industry clusters (packages/contracts industryClusters) */
export const clusters = ['电子信息', '汽车', '装备制造', '新材料', '现代食品', '铝及铝精深加工', '节能环保', '新一代信息技术', '生物医药', '高端装备制造', '新能源及智能网联汽车', '现代服务业', '基础设施', '社会民生', '其他']; // prettier-ignore

/** a valid 统一社会信用代码 (its check character matches) */
export const CREDIT_CODE = '91350100M000100Y43';

/** deterministic pseudo-random numbers in [0, 1) (mulberry32) */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(xs: readonly T[], r: number): T => xs[Math.floor(r * xs.length)]!;

export interface LedgerProject {
  name: string;
  owner: string;
  cluster: string;
  /** 亿元, two decimals */
  totalYi: number;
  annualYi: number;
}

/** the i-th project of a generated ledger; names are unique (they end in （i）) */
export function ledgerProject(i: number, random: () => number): LedgerProject {
  const prefix = pick(namePrefixes, random());
  const mid = pick(nameMids, random());
  const total = Math.round((0.5 + random() * 49.5) * 100) / 100;
  return {
    name: `${prefix}${mid}${pick(nameSuffixes, random())}（${i}）`,
    owner: `${prefix}（郑州）${mid}有限公司`,
    cluster: pick(clusters, random()),
    totalYi: total,
    annualYi: Math.round(total * (0.1 + random() * 0.6) * 100) / 100,
  };
}
