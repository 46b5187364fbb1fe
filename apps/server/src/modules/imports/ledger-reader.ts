import type { Row } from 'exceljs';
import ExcelJS from '../../platform/spreadsheets/exceljs';
import { roundDecimal, yiToWan } from '@xiangmu/contracts';
import { unescapeCellText } from '../../platform/spreadsheets/safe-text';

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

/** The columns of one kind of ledger. */
export interface LedgerLayout<F extends string> {
  /** header texts each field is known by, most specific first */
  patterns: Array<[F, RegExp]>;
  /** the field whose header marks the header row (项目名称) */
  anchor: F;
  /** its label, for "no header found" */
  anchorLabel: string;
}

export type Unit = 'yi' | 'wan';

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
const stripUnit = (s: string) => s.replace(/\((亿元|万元|元)\)$/, '').replace(/(亿元|万元)$/, '');
const unitOf = (s: string): Unit | undefined =>
  /亿元/.test(s) ? 'yi' : /万元/.test(s) ? 'wan' : undefined;

export function fieldOf<F extends string>(text: string, layout: LedgerLayout<F>): F | undefined {
  const t = stripUnit(norm(text));
  return layout.patterns.find(([, re]) => re.test(t))?.[0];
}

const textOf = (c: Cell) => (typeof c === 'string' ? c : typeof c === 'number' ? String(c) : '');

/**
 * Finds the header among the first rows: the row naming the anchor (项目名称),
 * plus the row below it when that one holds the sub-headings of merged groups.
 */
export function detectHeader<F extends string>(
  rows: Array<{ number: number; cells: Cell[] }>,
  layout: LedgerLayout<F>,
): Header<F> | null {
  const fieldOf_ = (text: string) => fieldOf(text, layout);
  const i = rows.findIndex((r) => r.cells.some((c) => fieldOf_(textOf(c)) === layout.anchor));
  if (i < 0) return null;
  const top = rows[i]!;
  const below = rows[i + 1];
  // the row below holds sub-headings only if every cell in it reads as one
  const filled = below?.cells.filter((c) => c !== null) ?? [];
  const belowIsHeader =
    filled.length > 0 &&
    filled.every(
      (c) => typeof c === 'string' && fieldOf_(c) !== undefined && fieldOf_(c) !== layout.anchor,
    );
  let sheetUnit: Unit | undefined;
  for (const r of rows.slice(0, i)) for (const c of r.cells) sheetUnit ??= unitOf(textOf(c));

  const columns = new Map<F, number>();
  const units = new Map<F, Unit>();
  const width = Math.max(top.cells.length, below?.cells.length ?? 0);
  let group = '';
  for (let col = 1; col < width; col++) {
    const upper = norm(textOf(top.cells[col] ?? null));
    const lower = belowIsHeader ? norm(textOf(below!.cells[col] ?? null)) : '';
    if (upper && !fieldOf_(upper)) group = upper;
    else if (upper) group = '';
    const text = lower || upper;
    const field = text ? fieldOf_(text) : undefined;
    if (!field || columns.has(field)) continue;
    columns.set(field, col);
    const unit = unitOf(text) ?? (lower ? unitOf(group || upper) : undefined) ?? sheetUnit;
    if (unit) units.set(field, unit);
  }
  return { columns, units, lastRow: belowIsHeader ? below!.number : top.number };
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
  const [y, mo, d = '1'] = [Number(m[1]), Number(m[2]), m[3] ?? '1'];
  const day = Number(d);
  const date = new Date(Date.UTC(y, mo - 1, day));
  if (mo < 1 || mo > 12 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== day)
    return { ok: false, message: `"${text}"不是有效的日期` };
  return { ok: true, value: date.toISOString().slice(0, 10) };
}

export interface LedgerRow {
  /** as Excel numbers it */
  number: number;
  cells: Cell[];
}

export type LedgerEvent<F extends string = string> =
  | { kind: 'header'; header: Header<F> }
  | { kind: 'row'; row: LedgerRow }
  | { kind: 'total'; row: LedgerRow };

const TOTAL = /^(合计|总计|小计|共计)/;
const HEADER_SCAN_ROWS = 15;

/**
 * Streams a ledger's first worksheet: its header first, then each data row;
 * 合计 rows come as 'total', blank rows are skipped. Throws a Chinese
 * message for a file that is not a readable xlsx or has no header.
 */
export async function* readLedger<F extends string>(
  path: string,
  layout: LedgerLayout<F>,
): AsyncGenerator<LedgerEvent<F>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let header: Header<F> | null = null;
  const head: LedgerRow[] = [];
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<Row>) {
        const values = row.values as unknown[];
        const cells = Array.from({ length: values.length }, (_, i) => cellOf(values[i]));
        const r = { number: row.number, cells };
        if (!header) {
          head.push(r);
          // decide only with the row below the name row in hand: it may hold sub-headings
          const named = head.findIndex((x) =>
            x.cells.some((c) => fieldOf(textOf(c), layout) === layout.anchor),
          );
          if (named >= 0 && named < head.length - 1) {
            header = detectHeader(head, layout);
            if (header) {
              yield { kind: 'header', header };
              // rows read past the header while looking for it are data
              for (const extra of head.filter((x) => x.number > header!.lastRow))
                yield* classify(extra, header, layout);
            }
          } else if (head.length >= HEADER_SCAN_ROWS) break;
          continue;
        }
        yield* classify(r, header, layout);
      }
      break; // the first worksheet only
    }
    if (!header && head.length) {
      // a header with no data below it
      header = detectHeader(head, layout);
      if (header) yield { kind: 'header', header };
    }
  } catch (err) {
    throw new Error(
      `无法读取该文件，请确认是 Excel（.xlsx）格式且未损坏（${(err as Error).message}）`,
    );
  }
  if (!header) throw new Error(`未找到表头：前15行中没有"${layout.anchorLabel}"列`);
}

function* classify<F extends string>(
  r: LedgerRow,
  header: Header<F>,
  layout: LedgerLayout<F>,
): Generator<LedgerEvent<F>> {
  if (r.number <= header.lastRow) return;
  if (r.cells.every((c) => c === null)) return;
  const first = r.cells.find((c) => c !== null);
  const nameCell = r.cells[header.columns.get(layout.anchor)!];
  if (TOTAL.test(textOf(first ?? null)) || TOTAL.test(textOf(nameCell ?? null))) {
    yield { kind: 'total', row: r };
    return;
  }
  // a repeated header (a ledger pasted from several sheets)
  if (fieldOf(textOf(nameCell ?? null), layout) === layout.anchor) return;
  yield { kind: 'row', row: r };
}
