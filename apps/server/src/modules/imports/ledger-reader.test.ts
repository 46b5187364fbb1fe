import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { uploadAndMap } from '../../test/ledgers';
import { detectHead, fieldOf, headerOf, proposeMapping, type LedgerLayout } from './ledger-reader';

const layout: LedgerLayout<'name' | 'amount' | 'note'> = {
  anchor: 'name',
  anchorLabel: '名称',
  patterns: [
    ['name', /^名称$/],
    ['amount', /^金额$/],
    ['note', /^备注$/],
  ],
};

describe('the generic ledger reader', () => {
  it('reads headers marked required with * and units in brackets', () => {
    expect(fieldOf('名称*', layout)).toBe('name');
    expect(fieldOf(' 金 额（万元）＊', layout)).toBe('amount');
    const head = detectHead(
      [
        { number: 1, cells: [null, '某表'] },
        { number: 2, cells: [null, '名称*', '金额（亿元）', '备注'] },
        { number: 3, cells: [null, '甲', 1, null] },
      ],
      layout,
    )!;
    const mapping = [...proposeMapping(head, layout)].map(([index, field]) => ({ index, field }));
    const h = headerOf(head, mapping, 'wan');
    expect([...h.columns]).toEqual([
      ['name', 1],
      ['amount', 2],
      ['note', 3],
    ]);
    expect(h.units.get('amount')).toBe('yi');
    expect(h.lastRow).toBe(2);
  });
});

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
});
afterAll(() => ctx?.close());

describe('downloaded templates read back', () => {
  it.each([
    ['/api/projects/import-template', '/api/projects/imports'],
    ['/api/reports/import-template', '/api/reports/imports'],
  ])('%s → %s finds its header', async (template, imports) => {
    const file = await ctx.request('GET', template, { as: jk });
    expect(file.status).toBe(200);
    const imp = await uploadAndMap(
      ctx,
      jk,
      imports as '/api/projects/imports',
      file.raw,
      imports.includes('reports') ? { mapping: { columns: [], month: '2026-10' } } : {},
    );
    expect(imp.failure).toBeNull();
    expect(imp.status).toBe('validated');
    expect(imp.totalRows).toBe(1); // the example row
  });
});
