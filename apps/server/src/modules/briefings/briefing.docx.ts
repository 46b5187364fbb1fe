import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import type { Briefing } from '@xiangmu/contracts';

/**
 * The briefing as Word, laid out per GB/T 9704-2012 (党政机关公文格式): A4,
 * top margin 37 mm, left 28 mm, a 156 × 225 mm text block; body in 3号 仿宋
 * with 22 lines a page; page numbers "— 1 —" in 4号 宋体, right on odd
 * pages and left on even ones. Fonts are named as the offices have them
 * installed; Word substitutes where one is missing.
 */

const FONT = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
} as const;
const RED = 'FF0000';

/** docx sizes are in half-points */
const pt = (n: number) => n * 2;
/** 号 → points */
const SIZE = { er: 22, san: 16, si: 14, xiaosi: 12 } as const;

/** mm → twips, rounded (docx's own converter truncates: A4 would be 11905 wide) */
const mm = (n: number) => Math.round((n * 1440) / 25.4);
export const PAGE = {
  width: mm(210),
  height: mm(297),
  top: mm(37),
  left: mm(28),
  right: mm(210 - 28 - 156),
  bottom: mm(297 - 37 - 225),
} as const;
const TEXT_WIDTH = mm(156);
/** 22 lines in the 225 mm block: Word's customary exact 28.95 pt, in twips */
const LINE = 579;
const INDENT_2 = SIZE.san * 20 * 2;

const font = (name: string) => ({ ascii: name, hAnsi: name, eastAsia: name, cs: name });
const bodyRun = (text: string, extra: { font?: string; bold?: boolean } = {}) =>
  new TextRun({ text, font: font(extra.font ?? FONT.body), size: pt(SIZE.san), bold: extra.bold });
const exact = { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

/** A body paragraph; a leading '（一）…。' is set in 楷体 as a run-in heading. */
function bodyParagraph(text: string) {
  const run = /^（[一二三四五六七八九十]+）[^。]*。/.exec(text);
  const children = run
    ? [bodyRun(run[0], { font: FONT.heading2 }), bodyRun(text.slice(run[0].length))]
    : [bodyRun(text)];
  return new Paragraph({
    children,
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: INDENT_2, firstLineChars: 200 },
    spacing: exact,
  });
}

const heading1 = (text: string) =>
  new Paragraph({
    children: [bodyRun(text, { font: FONT.heading1 })],
    indent: { firstLine: INDENT_2, firstLineChars: 200 },
    spacing: exact,
    keepNext: true,
  });

const empty = () => new Paragraph({ children: [], spacing: exact });

/**
 * The largest size (pt, at most `max`) at which `chars` full-width characters
 * fit in `widthPt`: an office name and a date must share one line.
 */
const fitting = (chars: number, widthPt: number, max: number) =>
  Math.max(10, Math.min(max, Math.floor(widthPt / Math.max(chars, 1))));
const TEXT_WIDTH_PT = 156 * (72 / 25.4);

/** The red masthead: the name, 第N期, issuing office and date, and the red rule. */
function masthead(b: Briefing) {
  // as large as fits the 156 mm line, at most 42 pt
  const size = Math.min(42, Math.floor(430 / Math.max(b.masthead.length, 1)));
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 240 },
      children: [
        new TextRun({ text: b.masthead, font: font(FONT.title), size: pt(size), color: RED }),
      ],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact,
      children: [bodyRun(`第${b.issueNumber}期`)],
    }),
    new Paragraph({
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
      spacing: { ...exact, after: 120 },
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } },
      children: [b.office, `\t${b.date}`].map(
        (text) =>
          new TextRun({
            text,
            font: font(FONT.body),
            // two characters' room between the office and the date
            size: pt(fitting(b.office.length + b.date.length + 2, TEXT_WIDTH_PT, SIZE.san)),
          }),
      ),
    }),
    empty(),
  ];
}

function title(b: Briefing) {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { line: Math.round(SIZE.er * 20 * 1.5), lineRule: LineRuleType.EXACT, after: LINE },
    children: [new TextRun({ text: b.title, font: font(FONT.title), size: pt(SIZE.er) })],
  });
}

function rankingTable(b: Briefing) {
  const { header, rows } = b.rankingTable;
  const widths = header.map((_, i) => (i === 1 ? 3 : 2));
  const unit = TEXT_WIDTH / widths.reduce((a, w) => a + w, 0);
  const cell = (text: string, i: number, head: boolean) =>
    new TableCell({
      width: { size: Math.round(widths[i]! * unit), type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            new TextRun({
              text,
              font: font(head ? FONT.heading1 : FONT.body),
              size: pt(SIZE.xiaosi),
            }),
          ],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths.map((w) => Math.round(w * unit)),
    alignment: AlignmentType.CENTER,
    rows: [
      new TableRow({
        tableHeader: true,
        children: header.map((h, i) => cell(h, i, true)),
      }),
      ...rows.map((r) => new TableRow({ children: r.map((c, i) => cell(c, i, false)) })),
    ],
  });
}

/** 版记: the 报送 and 分送 lines between two rules, and who printed it when. */
function colophon(b: Briefing) {
  // 4号, smaller when the office and the date would not share a line
  const size = fitting(b.office.length + b.date.length + 4, TEXT_WIDTH_PT - 2 * SIZE.si, SIZE.si);
  const line = (text: string, border: 'top' | 'bottom' | 'both') =>
    new Paragraph({
      spacing: { line: Math.round(SIZE.si * 20 * 1.6), lineRule: LineRuleType.EXACT },
      indent: { left: SIZE.si * 20, right: SIZE.si * 20 },
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - SIZE.si * 40 }],
      border: {
        ...(border !== 'bottom'
          ? { top: { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 4 } }
          : {}),
        ...(border !== 'top'
          ? { bottom: { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 4 } }
          : {}),
      },
      children: text
        .split('\t')
        .map(
          (t, i) => new TextRun({ text: i ? `\t${t}` : t, font: font(FONT.body), size: pt(size) }),
        ),
    });
  return [
    empty(),
    empty(),
    line(b.distribution.submit, 'top'),
    line(b.distribution.copy, 'bottom'),
    line(`${b.office}\t${b.date}印发`, 'bottom'),
  ];
}

/** "— 1 —" in 4号 宋体, one character in from the edge of the text block. */
function pageFooter(side: 'odd' | 'even') {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: SIZE.si * 20 } : { left: SIZE.si * 20 },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: font(FONT.pageNumber),
            size: pt(SIZE.si),
          }),
        ],
      }),
    ],
  });
}

export async function renderBriefingDocx(b: Briefing): Promise<Buffer> {
  const body = b.sections.flatMap((s) => {
    const out: Array<Paragraph | Table> = [heading1(s.heading), ...s.paragraphs.map(bodyParagraph)];
    if (s.heading.endsWith('区域排名情况') && b.rankingTable.rows.length)
      out.push(empty(), rankingTable(b));
    return out;
  });
  const doc = new Document({
    title: b.title,
    creator: b.office,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: font(FONT.body), size: pt(SIZE.san) },
          paragraph: { spacing: exact },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: {
              top: PAGE.top,
              left: PAGE.left,
              right: PAGE.right,
              bottom: PAGE.bottom,
              header: mm(15),
              // the page number sits about 7 mm below the text block
              footer: mm(28),
            },
          },
          grid: { type: DocumentGridType.LINES, linePitch: LINE },
        },
        footers: { default: pageFooter('odd'), even: pageFooter('even') },
        children: [...masthead(b), title(b), ...body, ...colophon(b)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
