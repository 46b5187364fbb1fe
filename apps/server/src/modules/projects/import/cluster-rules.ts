import { industryClusters } from '@xiangmu/contracts';

/**
 * 产业集群 from a project's name and 建设内容, for ledgers without a cluster
 * column: the first rule whose words occur wins, the name before the content.
 * Only a suggestion — the wizard shows it and the user accepts it for all
 * rows or keeps 其他. More specific clusters come first (新能源汽车 before 汽车).
 */
const rules: Array<[(typeof industryClusters)[number], RegExp]> = [
  [
    '新能源及智能网联汽车',
    /(新能源汽车|新能源商用车|新能源乘用车|电动汽车|智能网联|动力电池|充电桩|换电|氢燃料|燃料电池)/,
  ],
  ['汽车', /(汽车|整车|商用车|乘用车|客车|卡车|车桥|底盘|变速器|汽配)/],
  ['铝及铝精深加工', /(铝)/],
  ['高端装备制造', /(高端装备|机器人|数控|航空装备|轨道交通装备|智能装备|精密制造|无人机)/],
  ['装备制造', /(装备|机械|盾构|起重|机床|轴承|液压|泵|阀门|电机|农机|矿机)/],
  [
    '新一代信息技术',
    /(软件|数据中心|大数据|云计算|人工智能|算力|信息技术|数字经济|互联网|区块链|物联网|信创)/,
  ],
  ['电子信息', /(电子|芯片|半导体|集成电路|显示|智能终端|手机|传感器|光电|元器件|通信设备|服务器)/],
  ['生物医药', /(医药|生物|制药|药业|医疗器械|疫苗|诊断|基因|医疗设备)/],
  ['现代食品', /(食品|饮料|乳业|乳制品|粮油|肉制品|速冻|烘焙|调味|酒业|啤酒|茶叶|面粉|冷链食品)/],
  ['新材料', /(新材料|碳纤维|石墨烯|超硬|金刚石|耐火|复合材料|膜材料|稀土|特种钢|材料)/],
  ['节能环保', /(环保|节能|固废|危废|污水处理|垃圾|再生资源|循环利用|水处理|光伏|储能)/],
  [
    '基础设施',
    /(道路|桥梁|管网|轨道交通|地铁|高速|快速路|水利|供水|供热|燃气|变电站|电网|综合管廊|停车场|基础设施|片区开发)/,
  ],
  [
    '社会民生',
    /(学校|中学|小学|医院|养老|保障房|安置|棚户|社区|幼儿园|体育|文化中心|卫生院|人才公寓|保障性)/,
  ],
  [
    '现代服务业',
    /(物流|商贸|金融|总部|会展|电商|商业综合体|文旅|酒店|仓储|供应链|服务中心|产业园运营|陆港)/,
  ],
];

export function inferCluster(name: string, content = ''): string | null {
  for (const text of [name, content])
    for (const [cluster, re] of rules) if (re.test(text)) return cluster;
  return null;
}

const byLength = [...industryClusters].sort((a, b) => b.length - a.length);

/** A ledger's cluster text read against the platform's list: "电子信息产业" → 电子信息. */
export function clusterOf(text: string): string | null {
  const t = text.replace(/\s/g, '');
  if ((industryClusters as readonly string[]).includes(t)) return t;
  return byLength.find((c) => c !== '其他' && t.includes(c)) ?? inferCluster(t);
}
