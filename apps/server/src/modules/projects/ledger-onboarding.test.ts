import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { uploadAndMap, xlsx } from '../../test/ledgers';
import { pendingValidations } from '../imports';

// A district arrives with the ledger it has kept for years, not our template:
// ledgers shaped the way 经开区, a 发改委 and an export copy really look.

let ctx: TestContext;
let jk: Session;
let campaignId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  const city = await ctx.sessionFor('city');
  const c = await ctx.request('POST', '/api/campaigns', {
    as: city,
    body: { number: 7, startsOn: '2023-01-01', endsOn: '2023-12-31' },
  });
  expect(c.status).toBe(200);
  campaignId = c.body.id;
  await ctx.request('POST', '/api/departments', {
    as: jk,
    body: { name: '经开区发展改革和统计局', regionCode: '410171' },
  });
});
afterAll(() => ctx?.close());

const base = '/api/projects/imports';
const uploadOnly = async (file: Buffer) => {
  const res = await ctx.request('POST', `${base}?filename=${encodeURIComponent('台账.xlsx')}`, {
    as: jk,
    upload: file,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const mapping = async (id: number, body: Record<string, unknown>) => {
  const res = await ctx.request('POST', `${base}/${id}/mapping`, { as: jk, body });
  if (res.status === 200) await pendingValidations.get(id);
  return res;
};
const get = async (id: number) => (await ctx.request('GET', `${base}/${id}`, { as: jk })).body;
const apply = (id: number, body: Record<string, unknown> = {}) =>
  ctx.request('POST', `${base}/${id}/apply`, { as: jk, body });
const project = (name: string) =>
  ctx.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

/** 经开区's "三个一批" ledger: no USCC, a 项目类别 column, 亿元 in the title, a 备注 column */
const sanGeYiPi = (names: [string, string, string]) =>
  xlsx(
    [
      ['郑州经济技术开发区2023年第七期“三个一批”项目台账（截至2023年12月底）'],
      ['金额单位：亿元'],
      [
        '序号',
        '项目名称',
        '项目类别',
        '建设单位',
        '建设内容及规模',
        '投资情况',
        null,
        '计划开工时间',
        '计划投产时间',
        '包保领导',
        '责任单位',
        '备注',
      ],
      [null, null, null, null, null, '总投资', '2023年计划投资', null, null, null, null, null],
      [
        1,
        names[0],
        '签约一批',
        '郑州宇通重工有限公司',
        '新能源环卫装备及零部件生产基地',
        30,
        5,
        '2023.06',
        '2025年6月',
        '王建国',
        '经开区新建专班',
        '已签约',
      ],
      [
        2,
        names[1],
        '开工一批',
        '河南恒瑞医疗科技有限公司',
        '医疗器械研发生产，年产体外诊断试剂1000万人份',
        12.5,
        '3.2',
        '2023年3月',
        '2024.12',
        '王建国',
        '经开区发展改革和统计局',
        null,
      ],
      [
        3,
        names[2],
        '投产一批',
        '郑州海尔智慧冷链食品有限公司',
        '冷链食品加工',
        8,
        2,
        '2022.05',
        '2023年10月',
        '李明',
        '经开区发展改革和统计局',
        '当年投产',
      ],
      ['合计', null, null, null, null, 50.5, 10.2, null, null, null, null, null],
      ['说明：本表由经开区项目办汇总，数据截至2023年12月底。'],
    ],
    [
      'A1:L1',
      'A3:A4',
      'B3:B4',
      'C3:C4',
      'D3:D4',
      'E3:E4',
      'F3:G3',
      'H3:H4',
      'I3:I4',
      'J3:J4',
      'K3:K4',
      'L3:L4',
    ],
  );

describe('a "三个一批" ledger as 经开区 keeps it', () => {
  let importId: number;
  const names: [string, string, string] = [
    '宇通新能源环卫装备产业园',
    '恒瑞体外诊断试剂生产基地',
    '海尔智慧冷链食品加工项目',
  ];

  it('shows every column with what it maps to, and reads the title', async () => {
    const imp = await uploadOnly(await sanGeYiPi(names));
    importId = imp.id;
    expect(imp.status).toBe('mapping');
    const l = imp.layout;
    expect(
      l.columns.map((c: { header: string; field: string | null }) => [c.header, c.field]),
    ).toEqual([
      ['序号', null],
      ['项目名称', 'name'],
      ['项目类别', 'category'],
      ['建设单位', 'ownerName'],
      ['建设内容及规模', 'content'],
      ['投资情况 / 总投资', 'totalInvestment'],
      ['投资情况 / 2023年计划投资', 'annualPlan'],
      ['计划开工时间', 'plannedStart'],
      ['计划投产时间', 'plannedEnd'],
      ['包保领导', 'leaderName'],
      ['责任单位', 'department'],
      ['备注', null],
    ]);
    expect(l.columns[1].samples).toEqual(names);
    expect([l.titleUnit, l.titleYear, l.titleCampaign, l.remembered]).toEqual([
      'yi',
      2023,
      7,
      false,
    ]);
    expect(l.headerRows).toEqual([3, 4]);
    expect(l.fields.find((f: { key: string }) => f.key === 'ownerCreditCode').required).toBe(false);
  });

  it('validates without USCC, lists the new 责任单位, the inferred clusters and the batches', async () => {
    const res = await mapping(importId, { columns: [], campaignId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const imp = await get(importId);
    expect(imp.failure).toBeNull();
    expect(imp.errors).toEqual([]);
    expect([imp.status, imp.totalRows, imp.createRows, imp.rejectedRows]).toEqual([
      'validated',
      3,
      3,
      0,
    ]);
    expect(imp.options).toMatchObject({ amountUnit: 'yi', planYear: null, campaignId });
    const p = imp.preview;
    expect(p.newDepartments).toEqual([{ name: '经开区新建专班', rows: 1 }]);
    expect(p.newLeaders.map((l: { name: string }) => l.name).sort()).toEqual(['李明', '王建国']);
    expect(p.missingCreditCode).toBe(3);
    expect(p.inferredClusters).toEqual(
      expect.arrayContaining([
        { cluster: '装备制造', rows: 1 },
        { cluster: '生物医药', rows: 1 },
        { cluster: '现代食品', rows: 1 },
      ]),
    );
    expect(p.campaign).toMatchObject({ id: campaignId, sign: 1, start: 1, produce: 1 });
    // the 说明 line under the table is said, not dropped
    expect(imp.warnings).toContainEqual({
      row: 9,
      field: null,
      message: '说明文字，不作为数据导入',
    });
  });

  it('applies: stages from 项目类别, plan year from the title, 亿元 exactly, audited per project', async () => {
    const departmentsBefore = await ctx.countRows('departments');
    const res = await apply(importId, { acceptInferredClusters: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('applied');
    const [a, b, c] = await Promise.all(names.map(project));
    expect([a.stage, b.stage, c.stage]).toEqual(['signed', 'building', 'operating']);
    expect([a.plan_year, b.plan_year, c.plan_year]).toEqual([2023, 2023, 2023]);
    expect([b.total_investment, b.annual_plan]).toEqual(['125000.00', '32000.00']);
    expect([b.planned_start, b.planned_end]).toEqual(['2023-03-01', '2024-12-01']);
    expect([
      a.owner_credit_code,
      a.industry_cluster,
      b.industry_cluster,
      c.industry_cluster,
    ]).toEqual([null, '装备制造', '生物医药', '现代食品']);
    expect(a.leader_name).toBe('王建国');
    // the unknown 责任单位 was created in the same transaction, audited
    expect(await ctx.countRows('departments')).toBe(departmentsBefore + 1);
    const dept = await ctx.db
      .selectFrom('departments')
      .select(['id', 'region_code'])
      .where('name', '=', '经开区新建专班')
      .executeTakeFirstOrThrow();
    expect([a.department_id, dept.region_code]).toEqual([dept.id, '410171']);
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'entity_id', 'after'])
      .where('action', 'in', ['project.created', 'department.created'])
      .execute();
    const created = audits.filter((x) => x.action === 'project.created');
    expect(created.map((x) => x.entity_id).sort()).toEqual([a.id, b.id, c.id].map(String).sort());
    expect(created.find((x) => x.entity_id === String(b.id))!.after).toMatchObject({
      name: names[1],
      stage: 'building',
      totalInvestment: '125000.00',
    });
    expect(audits.some((x) => x.action === 'department.created')).toBe(true);
    // each project in its batch of the 7th period
    const entries = await ctx.db
      .selectFrom('campaign_entries')
      .select(['project_id', 'kind'])
      .where('campaign_id', '=', campaignId)
      .orderBy('project_id')
      .execute();
    expect(entries).toEqual([
      { project_id: a.id, kind: 'sign' },
      { project_id: b.id, kind: 'start' },
      { project_id: c.id, kind: 'produce' },
    ]);
    // the stage timeline says where the stage came from
    const timeline = await ctx.request('GET', `/api/projects/${b.id}/stages`, { as: jk });
    expect(timeline.body[0]).toMatchObject({ toStage: 'building' });
    expect(timeline.body[0].evidence).toContain('批量导入');
    // and the project reads as 待补充 through the API
    const api = await ctx.request('GET', `/api/projects/${a.id}`, { as: jk });
    expect(api.body.ownerCreditCode).toBeNull();
  });
});

describe('other offices name things differently', () => {
  it('a 发改委 ledger in 万元: 项目单位, 计划总投资, 年度投资, 建成时间, 牵头单位; a unit mismatch warned', async () => {
    const imp = await uploadAndMap(
      ctx,
      jk,
      base,
      await xlsx([
        ['2024年经开区重点项目计划表'],
        [
          '项目',
          '项目单位',
          '统一社会信用代码',
          '计划总投资（万元）',
          '年度投资（万元）',
          '开工时间',
          '建成时间',
          '牵头单位',
          '建设规模及内容',
          '项目级别',
        ],
        [
          '比亚迪郑州动力电池配套项目',
          '比亚迪汽车有限公司',
          '91350100M000100Y43',
          800000,
          200000,
          '2024-03-01',
          '2026-06-30',
          '经开区发展改革和统计局',
          '动力电池模组',
          '市重点',
        ],
        ['错码项目', '某公司', '91350100M000100Y44', 1000, 100, null, null, null, null, null],
        ['单位可疑项目', '某公司', null, 12.5, 3, null, null, null, null, null],
      ]),
    );
    expect(imp.layout.titleYear).toBe(2024);
    expect(imp.errors).toEqual([
      { row: 4, field: '统一社会信用代码', message: expect.stringMatching(/统一社会信用代码无效/) },
    ]);
    expect(imp.warnings).toEqual([
      {
        row: 5,
        field: '总投资',
        message: '总投资仅12.5万元，请确认金额单位（当前按万元读取）',
      },
    ]);
    expect(imp.preview.newDepartments).toEqual([]);
    expect(imp.preview.inferredClusters).toEqual([
      { cluster: '新能源及智能网联汽车', rows: 1 },
      // 单位可疑项目 has no words a rule knows: it stays 其他 and is not listed
    ]);
    expect((await apply(imp.id, { acceptInferredClusters: false })).status).toBe(200);
    const p = await project('比亚迪郑州动力电池配套项目');
    expect([p.owner_credit_code, p.total_investment, p.annual_plan, p.planned_end]).toEqual([
      '91350100M000100Y43',
      '800000.00',
      '200000.00',
      '2026-06-30',
    ]);
    expect([p.level, p.plan_year, p.industry_cluster, p.stage]).toEqual([
      'city',
      2024,
      '其他',
      'planned',
    ]);
  });

  it('亿元 on a 区重点 project that reads like 万元 is a warning on the row', async () => {
    const imp = await uploadAndMap(
      ctx,
      jk,
      base,
      await xlsx([
        ['项目名称', '建设单位', '总投资（亿元）', '年度计划投资（亿元）'],
        ['金额单位错位项目', '某公司', 600, 100],
      ]),
    );
    expect(imp.warnings).toEqual([
      {
        row: 2,
        field: '总投资',
        message: '总投资600亿元，对区重点项目偏大，请确认金额单位（当前按亿元读取）',
      },
    ]);
    expect(imp.createRows).toBe(1);
  });

  it('a two-row header written out in every cell without merges (a copy of our own export)', async () => {
    const imp = await uploadAndMap(
      ctx,
      jk,
      base,
      await xlsx([
        ['郑州经济技术开发区重点项目台账'],
        ['项目名称', '建设单位', '投资情况（万元）', '投资情况（万元）', '责任单位'],
        ['项目名称', '建设单位', '总投资', '年度计划投资', '责任单位'],
        ['无合并表头项目', '某公司', 5000, 1000, '经开区发展改革和统计局'],
      ]),
    );
    expect(imp.failure).toBeNull();
    expect(imp.layout.headerRows).toEqual([2, 3]);
    expect(
      imp.layout.columns.map((c: { header: string; field: string | null; unit: string | null }) => [
        c.header,
        c.field,
        c.unit,
      ]),
    ).toEqual([
      ['项目名称', 'name', null],
      ['建设单位', 'ownerName', null],
      ['投资情况（万元） / 总投资', 'totalInvestment', 'wan'],
      ['投资情况（万元） / 年度计划投资', 'annualPlan', 'wan'],
      ['责任单位', 'department', null],
    ]);
    expect([imp.createRows, imp.rejectedRows]).toEqual([1, 0]);
    await apply(imp.id);
    expect((await project('无合并表头项目')).total_investment).toBe('5000.00');
  });
});

describe('the mapping step', () => {
  const shape = (name: string, extra: string) =>
    xlsx([
      ['项目名称', '建设单位', '总投资（亿元）', '项目简介'],
      [name, '某公司', 2, extra],
    ]);

  it('a column mapped by hand is used, and remembered for the next file of the same shape', async () => {
    const first = await uploadOnly(await shape('手工映射项目', '年产智能装备500台'));
    const intro = first.layout.columns.find((c: { header: string }) => c.header === '项目简介');
    expect(intro.field).toBeNull(); // the synonyms do not know 项目简介: 不导入 unless mapped
    expect(
      (await mapping(first.id, { columns: [{ index: intro.index, field: 'content' }] })).status,
    ).toBe(200);
    const checked = await get(first.id);
    expect(checked.options.columns).toContainEqual({ index: intro.index, field: 'content' });
    await apply(checked.id);
    expect((await project('手工映射项目')).content).toBe('年产智能装备500台');

    // next month's file of the same shape maps itself
    const second = await uploadOnly(await shape('下月项目', '二期'));
    expect(second.layout.remembered).toBe(true);
    expect(
      second.layout.columns.find((c: { header: string }) => c.header === '项目简介').field,
    ).toBe('content');
    // another district does not see 经开区's mapping
    await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
    const js = await ctx.sessionFor('js_admin');
    const other = await ctx.request('POST', `${base}?filename=t.xlsx`, {
      as: js,
      upload: await shape('金水项目', '三期'),
    });
    expect(other.body.layout.remembered).toBe(false);
  });

  it('refuses a mapping that cannot work with a Chinese reason, and changes nothing', async () => {
    const imp = await uploadOnly(await shape('映射错误项目', '无'));
    const cols = imp.layout.columns as Array<{ index: number; header: string }>;
    const at = (h: string) => cols.find((c) => c.header === h)!.index;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ columns: [{ index: at('总投资（亿元）'), field: null }] }, /必需的列未映射：总投资/],
      [{ columns: [{ index: at('项目简介'), field: 'name' }] }, /"项目名称"被映射了两次/],
      [{ columns: [{ index: at('项目简介'), field: 'salary' }] }, /没有"salary"这一项/],
      [{ columns: [{ index: 40, field: 'content' }] }, /第AN列不在文件中/],
      [{ columns: [], campaignId: 999999 }, /活动不存在/],
    ];
    for (const [body, message] of cases) {
      const res = await mapping(imp.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('IMPORT_MAPPING_INVALID');
      expect(res.body.message).toMatch(message);
      expect(hasChinese(res.body.message)).toBe(true);
    }
    expect((await get(imp.id)).status).toBe('mapping');
    const bad = await ctx.request('POST', `${base}/${imp.id}/mapping`, {
      as: jk,
      body: { columns: 'all' },
    });
    expect(bad.status).toBe(400);
  });

  it('a sheet of 400 columns is refused as a whole, with the reason', async () => {
    const header = [
      '项目名称',
      '建设单位',
      '总投资',
      ...Array.from({ length: 397 }, (_, i) => `列${i}`),
    ];
    const imp = await uploadOnly(await xlsx([header, ['宽表项目', '某公司', 1]]));
    expect([imp.status, imp.failure]).toEqual([
      'failed',
      '表头有400列，超过300列，请删除多余的列后再上传',
    ]);
  });

  it('going back from the preview re-checks the file with the new mapping', async () => {
    const imp = await uploadOnly(await shape('返回修改项目', '简介文字'));
    await mapping(imp.id, { columns: [] });
    expect((await get(imp.id)).createRows).toBe(1);
    const intro = imp.layout.columns.find((c: { header: string }) => c.header === '项目简介');
    await mapping(imp.id, {
      columns: [{ index: intro.index, field: 'content' }],
      amountUnit: 'wan',
    });
    const again = await get(imp.id);
    expect([again.status, again.createRows, again.options.amountUnit]).toEqual([
      'validated',
      1,
      'wan',
    ]);
    // the heading names 亿元: a column's own unit wins over the step's choice
    await apply(imp.id);
    const p = await project('返回修改项目');
    expect([p.total_investment, p.content]).toEqual(['20000.00', '简介文字']);
  });

  it('new 责任单位 can be mapped onto an existing one instead of being created', async () => {
    const existing = await ctx.db
      .selectFrom('departments')
      .select('id')
      .where('name', '=', '经开区发展改革和统计局')
      .executeTakeFirstOrThrow();
    const imp = await uploadAndMap(
      ctx,
      jk,
      base,
      await xlsx([
        ['项目名称', '建设单位', '总投资（亿元）', '责任单位', '包保领导'],
        ['对应已有单位项目', '某公司', 3, '经开区发改统计局', '王 建国'],
        ['含尖括号单位项目', '某公司', 3, '<b>局</b>', null],
      ]),
    );
    expect(imp.preview.newDepartments).toEqual([{ name: '经开区发改统计局', rows: 1 }]);
    expect(imp.errors).toEqual([
      { row: 3, field: '责任单位', message: expect.stringMatching(/只能包含/) },
    ]);
    expect(imp.preview.knownLeaders).toContain('王建国');
    const before = await ctx.countRows('departments');
    // a hostile spelling to map onto is refused like the form's 包保领导
    const hostile = await apply(imp.id, {
      leaders: [{ name: '王 建国', leaderName: '<img src=x>' }],
    });
    expect([hostile.status, hostile.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const res = await apply(imp.id, {
      departments: [{ name: '经开区发改统计局', departmentId: existing.id }],
      leaders: [{ name: '王 建国', leaderName: '王建国' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await ctx.countRows('departments')).toBe(before);
    const p = await project('对应已有单位项目');
    expect([p.department_id, p.leader_name]).toEqual([existing.id, '王建国']);
  });

  it('a department outside the scope cannot be chosen; the import stays ready', async () => {
    await ctx.request('POST', '/api/departments', {
      as: await ctx.sessionFor('js_admin'),
      body: { name: '金水区住建局', regionCode: '410105' },
    });
    const foreign = await ctx.db
      .selectFrom('departments')
      .select('id')
      .where('name', '=', '金水区住建局')
      .executeTakeFirstOrThrow();
    const imp = await uploadAndMap(
      ctx,
      jk,
      base,
      await xlsx([
        ['项目名称', '建设单位', '总投资（亿元）', '责任单位'],
        ['越权单位项目', '某公司', 3, '某新单位'],
      ]),
    );
    const before = await ctx.countRows('projects');
    const res = await apply(imp.id, {
      departments: [{ name: '某新单位', departmentId: foreign.id }],
    });
    expect(res.status).toBe(404);
    expect(await ctx.countRows('projects')).toBe(before);
    const after = await get(imp.id);
    expect(after.status).toBe('validated');
    expect(after.failure).toMatch(/未写入任何数据/);
  });
});
