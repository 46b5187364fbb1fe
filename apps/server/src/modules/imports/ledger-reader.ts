import type { Row } from 'exceljs';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { roundDecimal, yiToWan } from '@xiangmu/contracts';
import { unescapeCellText } from '../../platform/spreadsheets/safe-text';
import { createHash } from 'node:crypto';

/**
 * Reads ledgers the way districts really keep them: title rows above the
 * header, one or two header rows with merged group headings, units in the
 * header ("总投资(亿元)", "（万元）") or in a "金额单位" line, a 合计 row,
 * dates typed as 2023.03 or 2023年3月. Streams rows, so a 100 000-row file
 * is never in memory whole. No business rules here: it only turns cells
 * into text, numbers and dates, and says why a cell cannot be read. What
 * the columns are is the caller's LedgerLayout (project ledger, monthly
 * report ledger …).
 */

/** The columns of one kind of ledger: the synonyms its mapping is proposed from. */
export interface LedgerLayout<F extends string> {
  /** header texts each field is known by, most specific first */
  patterns: Array<[F, RegExp]>;
  /** the field whose header marks the header row (项目名称) */
  anchor: F;
  /** its label, for "no header found" */
  anchorLabel: string;
}

export type Unit = 'yi' | 'wan';

/** One column of the sheet's header, as written. */
export interface SheetColumn {
  /** 1-based */
  index: number;
  /** the top header row's text, a merged group heading carried over its span */
  upper: string;
  /** the second header row's text ('' for a one-row header) */
  lower: string;
  /** the unit its heading or group names */
  unit: Unit | undefined;
}

/** The header of a sheet and what the rows above it say. */
export interface SheetHead {
  /** text of each row above the header */
  title: string[];
  firstRow: number;
  lastRow: number;
  columns: SheetColumn[];
  /** "金额单位：亿元" and the like in the title rows */
  titleUnit: Unit | undefined;
}

/** The mapping applied: the column of each field and its unit. */
export interface Header<F extends string = string> {
  /** 1-based column of each field found */
  columns: Map<F, number>;
  units: Map<F, Unit>;
  /** the last header row; data starts after it */
  lastRow: number;
}

export const FORMULA = Symbol('formula');
export const CELL_ERROR = Symbol('error');
export type Cell = string | number | Date | typeof FORMULA | typeof CELL_ERROR | null;

/** One cell as plain data; exported "'=…" text comes back as "=…". */
export function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = unescapeCellText(v.trim());
    return t === '' ? null : t;
  }
  if (typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return FORMULA;
    if ('error' in o) return CELL_ERROR;
    if (Array.isArray(o.richText))
      return cellOf(o.richText.map((r: { text?: string }) => r.text ?? '').join(''));
    if (typeof o.text === 'string') return cellOf(o.text);
  }
  return CELL_ERROR;
}

const norm = (s: string) =>
  s
    .replace(/[\s*＊]+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')');
const stripUnit = (s: string) =>
  s.replace(/\((单位[:：])?(亿元|万元|元)\)$/, '').replace(/(亿元|万元)$/, '');
const unitOf = (s: string): Unit | undefined =>
  /亿元/.test(s) ? 'yi' : /万元/.test(s) ? 'wan' : undefined;

export function fieldOf<F extends string>(text: string, layout: LedgerLayout<F>): F | undefined {
  const t = stripUnit(norm(text));
  if (!t) return undefined;
  return layout.patterns.find(([, re]) => re.test(t))?.[0];
}

export const textOf = (c: Cell) =>
  typeof c === 'string' ? c : typeof c === 'number' ? String(c) : '';

const isAnchor = <F extends string>(c: Cell, layout: LedgerLayout<F>) =>
  fieldOf(textOf(c), layout) === layout.anchor;

/**
 * Finds the header among the first rows: the row naming the anchor (项目名称),
 * plus the row below it when that one holds sub-headings — under merged
 * group headings, or written out in every cell with the top row repeated
 * where there is no sub-heading. A row below is a header row when its cell
 * under the anchor is empty or repeats it and all its cells are text.
 */
export function detectHead<F extends string>(
  rows: Array<{ number: number; cells: Cell[] }>,
  layout: LedgerLayout<F>,
): SheetHead | null {
  const i = rows.findIndex((r) => r.cells.some((c) => isAnchor(c, layout)));
  if (i < 0) return null;
  const top = rows[i]!;
  const below = rows[i + 1];
  const anchorCol = top.cells.findIndex((c) => isAnchor(c, layout));
  const filled = below?.cells.filter((c) => c !== null) ?? [];
  const underAnchor = below?.cells[anchorCol] ?? null;
  const belowIsHeader =
    filled.length > 0 &&
    (underAnchor === null || isAnchor(underAnchor, layout)) &&
    filled.every((c) => typeof c === 'string') &&
    below!.cells.some(
      (c, col) =>
        c !== null && (fieldOf(textOf(c), layout) !== undefined || c === (top.cells[col] ?? null)),
    );
  const title = rows
    .slice(0, i)
    .map((r) => r.cells.map(textOf).filter(Boolean).join(' '))
    .filter(Boolean);
  let titleUnit: Unit | undefined;
  for (const t of title) titleUnit ??= unitOf(t);

  const columns: SheetColumn[] = [];
  const width = Math.max(top.cells.length, belowIsHeader ? below!.cells.length : 0);
  let group = '';
  for (let col = 1; col < width; col++) {
    const own = textOf(top.cells[col] ?? null).trim();
    const lower = belowIsHeader ? textOf(below!.cells[col] ?? null).trim() : '';
    // a merged group heading has its text in the first cell of its span only
    if (own) group = own;
    else if (!lower) group = '';
    const upper = own || (lower ? group : '');
    if (!upper && !lower) continue;
    columns.push({
      index: col,
      upper,
      lower: lower === upper ? '' : lower,
      unit: unitOf(norm(lower)) ?? unitOf(norm(upper)),
    });
  }
  return {
    title,
    firstRow: top.number,
    lastRow: belowIsHeader ? below!.number : top.number,
    columns,
    titleUnit,
  };
}

/** A column's heading as shown to the user: "投资情况（亿元） / 总投资". */
export const headingOf = (c: SheetColumn) => (c.lower ? `${c.upper} / ${c.lower}` : c.upper);

/** The field the synonyms propose for each column; a field goes to its first column only. */
export function proposeMapping<F extends string>(
  head: SheetHead,
  layout: LedgerLayout<F>,
): Map<number, F> {
  const out = new Map<number, F>();
  const taken = new Set<F>();
  for (const c of head.columns) {
    const f = c.lower ? fieldOf(c.lower, layout) : fieldOf(c.upper, layout);
    if (f && !taken.has(f)) {
      out.set(c.index, f);
      taken.add(f);
    }
  }
  return out;
}

/** The header the rows are read with: the confirmed mapping and units. */
export function headerOf<F extends string>(
  head: SheetHead,
  mapping: Array<{ index: number; field: F | null }>,
  amountUnit: Unit,
): Header<F> {
  const columns = new Map<F, number>();
  const units = new Map<F, Unit>();
  const byIndex = new Map(head.columns.map((c) => [c.index, c]));
  for (const m of mapping) {
    if (!m.field || !byIndex.has(m.index)) continue;
    columns.set(m.field, m.index);
    units.set(m.field, byIndex.get(m.index)!.unit ?? amountUnit);
  }
  return { columns, units, lastRow: head.lastRow };
}

/** The header's texts in column order, hashed: the key a confirmed mapping is remembered by. */
export function signatureOf(columns: Array<{ index: number; header: string }>): string {
  const text = columns.map((c) => `${c.index}:${norm(c.header)}`).join('|');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 第七期 → 7, 第十二期 → 12, 第12期 → 12 */
function periodNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  if (!m[2]) return m[3] || !m[1] ? null : CN_DIGITS[m[1]]!;
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CN_DIGITS[m[3]]! : 0);
}

/** What the title rows say about year, month and campaign period. */
export function titleHints(title: string[]) {
  const text = title.join(' ');
  const ym = /(20\d{2})\s*年\s*(\d{1,2})\s*月/.exec(text);
  const y = /(20\d{2})\s*年/.exec(text);
  const period = /第\s*([一二三四五六七八九十\d]+)\s*期/.exec(text);
  const month = ym && Number(ym[2]) >= 1 && Number(ym[2]) <= 12 ? Number(ym[2]) : null;
  return {
    year: y ? Number(y[1]) : null,
    month: ym && month ? `${ym[1]}-${String(month).padStart(2, '0')}` : null,
    campaign: period ? periodNumber(period[1]!) : null,
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** An amount in 万元 (two decimals, half-up), from a number or text in the given unit. */
export function parseAmount(c: Cell, unit: Unit): Parsed<string | null> {
  if (c === null) return { ok: true, value: null };
  if (c === FORMULA) return { ok: false, message: '单元格含公式，请复制后"粘贴为数值"再导入' };
  if (c === CELL_ERROR || c instanceof Date) return { ok: false, message: '不是有效的金额' };
  const text =
    typeof c === 'number'
      ? decimalOf(c)
      : c.replace(/[,，\s]/g, '').replace(/(亿元|万元|亿|万)$/, '');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false, message: `"${c}"不是有效的金额` };
  if (text.startsWith('-')) return { ok: false, message: '金额不能为负数' };
  return { ok: true, value: roundDecimal(unit === 'yi' ? yiToWan(text) : text, 2) };
}

/** A double as plain decimal text (no exponent): 1e-7 → "0.0000001". */
function decimalOf(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(10).replace(/\.?0+$/, '');
}

/** 'YYYY-MM-DD' from a date cell or text like 2023.03, 2023年3月, 2023/3/15, 2023-03-15. */
export function parseDate(c: Cell): Parsed<string | null> {
  if (c === null) return { ok: true, value: null };
  if (c === FORMULA) return { ok: false, message: '单元格含公式，请粘贴为数值' };
  if (c instanceof Date) {
    if (Number.isNaN(c.getTime())) return { ok: false, message: '不是有效的日期' };
    return { ok: true, value: c.toISOString().slice(0, 10) };
  }
  const text =
    typeof c === 'number' ? String(c) : typeof c === 'string' ? c.replace(/\s/g, '') : '';
  const m = /^(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?|月)?$/.exec(text);
  if (!m)
    return {
      ok: false,
      message: `"${text}"不是有效的日期（可写作 2023-03-15、2023.03 或 2023年3月）`,
    };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || day < 1 || day > daysIn(y, mo))
    return { ok: false, message: `"${text}"不是有效的日期` };
  return { ok: true, value: `${m[1]}-${mo < 10 ? '0' : ''}${mo}-${day < 10 ? '0' : ''}${day}` };
}

const daysIn = (y: number, mo: number) =>
  mo === 2
    ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(mo)
      ? 30
      : 31;

export interface LedgerRow {
  /** as Excel numbers it */
  number: number;
  cells: Cell[];
}

export type LedgerEvent =
  | { kind: 'head'; head: SheetHead }
  | { kind: 'row'; row: LedgerRow }
  | { kind: 'total'; row: LedgerRow }
  /** a note under the table ("说明：…"): not data, but said so */
  | { kind: 'note'; row: LedgerRow };

const TOTAL = /^(合计|总计|小计|共计)/;
const NOTE = /^(说明|备注|注[:：]|注：|填表说明|填报说明|制表|填报人|审核人|联系人[:：])/;
const HEADER_SCAN_ROWS = 15;

/**
 * Streams a ledger's first worksheet: its header first, then each data row;
 * 合计 rows come as 'total', blank rows and repeated headers are skipped.
 * Throws a Chinese message for a file that is not a readable xlsx or has no
 * header.
 */
export async function* readLedger<F extends string>(
  path: string,
  layout: LedgerLayout<F>,
): AsyncGenerator<LedgerEvent> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let head: SheetHead | null = null;
  let anchorCol = -1;
  const scanned: LedgerRow[] = [];
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<Row>) {
        const values = row.values as unknown[];
        const cells = new Array<Cell>(values.length);
        for (let i = 0; i < values.length; i++) cells[i] = cellOf(values[i]);
        const r = { number: row.number, cells };
        if (!head) {
          scanned.push(r);
          // decide only with the row below the name row in hand: it may hold sub-headings
          const named = scanned.findIndex((x) => x.cells.some((c) => isAnchor(c, layout)));
          if (named >= 0 && named < scanned.length - 1) {
            head = detectHead(scanned, layout);
            if (head) {
              anchorCol = scanned[named]!.cells.findIndex((c) => isAnchor(c, layout));
              yield { kind: 'head', head };
              // rows read past the header while looking for it are data
              for (const extra of scanned.filter((x) => x.number > head!.lastRow))
                yield* classify(extra, head, anchorCol, layout);
            }
          } else if (scanned.length >= HEADER_SCAN_ROWS) break;
          continue;
        }
        yield* classify(r, head, anchorCol, layout);
      }
      break; // the first worksheet only
    }
    if (!head && scanned.length) {
      // a header with no data below it
      head = detectHead(scanned, layout);
      if (head) yield { kind: 'head', head };
    }
  } catch (err) {
    throw new Error(
      `无法读取该文件，请确认是 Excel（.xlsx）格式且未损坏（${(err as Error).message}）`,
    );
  }
  if (!head) throw new Error(`未找到表头：前15行中没有"${layout.anchorLabel}"列`);
}

function* classify<F extends string>(
  r: LedgerRow,
  head: SheetHead,
  anchorCol: number,
  layout: LedgerLayout<F>,
): Generator<LedgerEvent> {
  if (r.number <= head.lastRow) return;
  let first: Cell = null;
  for (const c of r.cells)
    if (c !== null && c !== undefined) {
      first = c;
      break;
    }
  if (first === null) return;
  const nameCell = r.cells[anchorCol] ?? null;
  if (TOTAL.test(textOf(first)) || TOTAL.test(textOf(nameCell))) {
    yield { kind: 'total', row: r };
    return;
  }
  // a repeated header (a ledger pasted from several sheets); headings are short
  if (typeof nameCell === 'string' && nameCell.length <= 12 && isAnchor(nameCell, layout)) return;
  yield { kind: isNoteRow(r) ? 'note' : 'row', row: r };
}

/** A note under the table ("说明：…", "填报人：…"): a row with text in one cell only that reads as one. */
export function isNoteRow(r: LedgerRow): boolean {
  const filled = r.cells.filter((c) => c !== null && c !== undefined);
  return filled.length === 1 && NOTE.test(textOf(filled[0]!).trim());
}
