import { useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import {
  Alert,
  Button,
  DatePicker,
  Flex,
  Grid,
  InputNumber,
  Radio,
  Select,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import dayjs from 'dayjs';
import {
  amountUnitLabels,
  type AmountUnit,
  type ImportColumn,
  type ImportKind,
  type ImportLayout,
  type ImportMappingRequest,
  type ProjectImport,
} from '@xiangmu/contracts';
import { errorText } from '../../lib/api-client';
import { defaultAmountUnit } from './model';

/** The Select's value for 不导入 (a Select shows its placeholder for null). */
const SKIP = '__skip__';

const monthText = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`;

/**
 * 列映射: every column of the sheet with its heading, a few values and what
 * it feeds, plus the options the columns do not tell (unit, year, period,
 * month). Confirming sends the mapping; the server then checks every row.
 */
/** "三个一批" periods as the page that uses the wizard loaded them */
export interface CampaignChoices {
  list: Array<{ id: number; number: number; name: string }> | undefined;
  loading: boolean;
}

export function MappingStep(props: {
  imp: ProjectImport;
  layout: ImportLayout;
  kind: ImportKind;
  /** the report page's month, for rows without a 月份 column */
  defaultMonth?: string | undefined;
  /** the periods a 项目类别 column's batches may go to (project import) */
  campaigns?: CampaignChoices | undefined;
  pending: boolean;
  error: unknown;
  onSubmit: (body: ImportMappingRequest) => void;
  /** back to the preview without changing anything (when the mapping was confirmed before) */
  onCancel?: (() => void) | undefined;
  again: ReactNode;
}) {
  const { imp, layout, kind } = props;
  const narrow = !Grid.useBreakpoint().md;
  const projects = kind === 'projects';
  const confirmed = imp.options;

  const [fields, setFields] = useState<Record<number, string | null>>(() => {
    const chosen = new Map(confirmed?.columns.map((c) => [c.index, c.field]));
    return Object.fromEntries(
      layout.columns.map((c) => [c.index, chosen.has(c.index) ? chosen.get(c.index)! : c.field]),
    );
  });
  const [amountUnit, setAmountUnit] = useState<AmountUnit>(
    () => confirmed?.amountUnit ?? layout.titleUnit ?? defaultAmountUnit(kind),
  );
  const [planYear, setPlanYear] = useState<number | null>(
    () => confirmed?.planYear ?? layout.titleYear ?? new Date().getFullYear(),
  );
  const [month, setMonth] = useState<string | null>(
    () => confirmed?.month ?? layout.titleMonth ?? props.defaultMonth ?? null,
  );
  /** undefined until the user picks: then the confirmed one, else the one the title names */
  const [campaignChoice, setCampaignChoice] = useState<number | null | undefined>(undefined);

  const categoryMapped = Object.values(fields).includes('category');
  const campaigns = { data: props.campaigns?.list, isLoading: props.campaigns?.loading ?? false };
  const titleCampaign =
    layout.titleCampaign === null
      ? undefined
      : campaigns.data?.find((c) => c.number === layout.titleCampaign);
  const campaignId =
    campaignChoice !== undefined
      ? campaignChoice
      : confirmed
        ? confirmed.campaignId
        : (titleCampaign?.id ?? null);

  const byKey = useMemo(() => new Map(layout.fields.map((f) => [f.key, f])), [layout.fields]);
  const columnsOf = (key: string) => layout.columns.filter((c) => fields[c.index] === key);
  const twice = new Set(layout.fields.filter((f) => columnsOf(f.key).length > 1).map((f) => f.key));
  /** a required field an option stands in for */
  const coveredByOption = (key: string) =>
    (key === 'month' && !projects && month !== null) ||
    (key === 'planYear' && projects && planYear !== null);
  const missing = layout.fields.filter(
    (f) => f.required && columnsOf(f.key).length === 0 && !coveredByOption(f.key),
  );
  const amountMapped = layout.columns.some((c) => byKey.get(fields[c.index] ?? '')?.amount);
  const skipped = layout.columns.filter((c) => !fields[c.index]).length;
  const blocked = missing.length > 0 || twice.size > 0 || (!projects && month === null);

  const fieldOptions = [
    { value: SKIP, label: '不导入' },
    ...layout.fields.map((f) => ({
      value: f.key,
      label: f.required ? `${f.label}（必填）` : f.label,
      title: f.hint ?? f.label,
    })),
  ];

  const submit = () => {
    const body: ImportMappingRequest = {
      columns: layout.columns.map((c) => ({ index: c.index, field: fields[c.index] ?? null })),
      amountUnit,
    };
    if (projects) {
      if (planYear !== null) body.planYear = planYear;
      if (categoryMapped && campaignId !== null) body.campaignId = campaignId;
    } else if (month !== null) body.month = month;
    props.onSubmit(body);
  };

  const headerOf = (c: ImportColumn) =>
    c.header ? (
      <span style={{ wordBreak: 'break-word' }}>{c.header}</span>
    ) : (
      <Typography.Text type="secondary">（无表头）</Typography.Text>
    );
  const samplesOf = (c: ImportColumn, width: number | string) =>
    c.samples.length === 0 ? (
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        （空）
      </Typography.Text>
    ) : (
      <Flex vertical>
        {c.samples.slice(0, 3).map((s, n) => (
          <Typography.Text
            key={n}
            type="secondary"
            ellipsis={{ tooltip: s }}
            style={{ fontSize: 12, maxWidth: width }}
          >
            {s}
          </Typography.Text>
        ))}
      </Flex>
    );
  const unitOf = (c: ImportColumn) => {
    const field = byKey.get(fields[c.index] ?? '');
    if (!field?.amount) return null;
    return c.unit ? (
      <Tag color="blue" title="表头写明的单位" style={{ marginInlineEnd: 0 }}>
        {amountUnitLabels[c.unit]}
      </Tag>
    ) : (
      <Tag title="表头没有写明单位，按下方“金额单位”" style={{ marginInlineEnd: 0 }}>
        {amountUnitLabels[amountUnit]}（按下方金额单位）
      </Tag>
    );
  };
  const selectOf = (c: ImportColumn, width: number | string) => {
    const field = fields[c.index] ?? null;
    return (
      <Flex vertical gap={4} align="flex-start" style={{ width: '100%' }}>
        <Select
          value={field ?? SKIP}
          options={fieldOptions}
          onChange={(v: string) => setFields((f) => ({ ...f, [c.index]: v === SKIP ? null : v }))}
          showSearch={{ optionFilterProp: 'label' }}
          status={field && twice.has(field) ? 'error' : undefined}
          style={{ width, color: field ? undefined : 'rgba(0,0,0,0.45)' }}
          popupMatchSelectWidth={false}
          aria-label={`${c.letter}列导入为`}
          data-testid={`import-field-${c.index}`}
        />
        {field && twice.has(field) && (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            与其他列重复
          </Typography.Text>
        )}
        {narrow && unitOf(c)}
      </Flex>
    );
  };

  const letterColumn: TableColumnsType<ImportColumn>[number] = {
    title: '列',
    dataIndex: 'letter',
    width: narrow ? 36 : 52,
    render: (letter: string) => <Typography.Text strong>{letter}</Typography.Text>,
  };
  // a phone gets the heading and its samples in one cell, so the Select stays in view
  const columns: TableColumnsType<ImportColumn> = narrow
    ? [
        letterColumn,
        {
          title: '表头、示例与导入为',
          key: 'header',
          render: (_, c) => (
            <Flex vertical gap={6}>
              {headerOf(c)}
              {samplesOf(c, 240)}
              {selectOf(c, '100%')}
            </Flex>
          ),
        },
      ]
    : [
        letterColumn,
        { title: '表头（原文）', key: 'header', width: 220, render: (_, c) => headerOf(c) },
        { title: '示例数据', key: 'samples', width: 260, render: (_, c) => samplesOf(c, 260) },
        { title: '导入为', key: 'field', width: 230, render: (_, c) => selectOf(c, 210) },
        {
          title: '单位',
          key: 'unit',
          render: (_, c) => unitOf(c) ?? <Typography.Text type="secondary">—</Typography.Text>,
        },
      ];

  const optionLabel = (text: string) => (
    <Typography.Text strong style={{ minWidth: 72 }}>
      {text}
    </Typography.Text>
  );
  const note = (text: string) => (
    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
      {text}
    </Typography.Text>
  );

  return (
    <Flex vertical gap={16} data-testid="import-mapping">
      {layout.remembered && (
        <Alert
          type="success"
          showIcon
          title="已按上次确认的列映射自动匹配"
          description="表头与上次导入的文件相同，已沿用上次确认的对应关系，请核对后继续。"
          data-testid="import-mapping-remembered"
        />
      )}
      {layout.title.length > 0 && (
        <div data-testid="import-title-rows">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            表头以上的内容：
          </Typography.Text>
          {layout.title.map((t, n) => (
            <Typography.Text
              key={n}
              type="secondary"
              style={{ display: 'block', fontSize: 12, wordBreak: 'break-word' }}
            >
              {t}
            </Typography.Text>
          ))}
        </div>
      )}
      <Typography.Text>
        共 {layout.columns.length} 列（表头在第 {layout.headerRows[0]}
        {layout.headerRows[1] !== layout.headerRows[0] ? `–${layout.headerRows[1]}` : ''}{' '}
        行），请核对每一列对应的字段
        {skipped > 0 ? `；其中 ${skipped} 列不导入` : ''}。
      </Typography.Text>
      <Table
        size="small"
        rowKey="index"
        columns={columns}
        dataSource={layout.columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="import-mapping-table"
        onRow={(c) =>
          ({
            'data-testid': `import-mapping-row-${c.index}`,
            style: fields[c.index] ? undefined : { background: '#fafafa' },
          }) as HTMLAttributes<HTMLElement>
        }
      />

      <Flex vertical gap={12}>
        {amountMapped && (
          <Flex gap={8} align="center" wrap>
            {optionLabel('金额单位')}
            <Radio.Group
              value={amountUnit}
              onChange={(e) => setAmountUnit(e.target.value as AmountUnit)}
              optionType="button"
              options={[
                { value: 'yi', label: '亿元' },
                { value: 'wan', label: '万元' },
              ]}
              aria-label="金额单位"
              data-testid="import-unit"
            />
            {note(
              layout.titleUnit
                ? `标题行写明：金额单位：${amountUnitLabels[layout.titleUnit]}。用于表头未写明单位的金额列`
                : '用于表头未写明单位的金额列',
            )}
          </Flex>
        )}
        {projects && (
          <Flex gap={8} align="center" wrap>
            {optionLabel('计划年度')}
            <InputNumber
              value={planYear}
              min={2000}
              max={2100}
              precision={0}
              onChange={(v) => setPlanYear(typeof v === 'number' ? v : null)}
              style={{ width: 110 }}
              aria-label="计划年度"
              data-testid="import-plan-year"
            />
            {note(
              `${
                confirmed?.planYear != null
                  ? '上次确认的年度'
                  : layout.titleYear !== null
                    ? `取自标题行（${layout.titleYear}年）`
                    : '标题行未写明年度，默认今年'
              }；用于没有“计划年度”的行`,
            )}
          </Flex>
        )}
        {projects && categoryMapped && (
          <Flex gap={8} align="center" wrap>
            {optionLabel('三个一批期次')}
            <Select
              value={campaignId}
              onChange={(v: number | undefined) => setCampaignChoice(v ?? null)}
              allowClear
              placeholder="不纳入期次"
              loading={campaigns.isLoading}
              options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              style={{ width: 220 }}
              aria-label="三个一批期次"
              data-testid="import-campaign"
            />
            {note(
              `按“项目类别”列把项目纳入该期的签约/开工/投产一批（可不选）${
                layout.titleCampaign !== null
                  ? titleCampaign
                    ? `；标题行写明第${layout.titleCampaign}期`
                    : `；标题行写明第${layout.titleCampaign}期，系统中尚无该期`
                  : ''
              }`,
            )}
          </Flex>
        )}
        {!projects && (
          <Flex gap={8} align="center" wrap>
            {optionLabel('调度月份')}
            <DatePicker
              picker="month"
              value={month ? dayjs(`${month}-01`) : null}
              format="YYYY年M月"
              onChange={(d) => setMonth(d ? d.format('YYYY-MM') : null)}
              disabledDate={(d) => d.isAfter(dayjs(), 'month')}
              style={{ width: 150 }}
              aria-label="调度月份"
              data-testid="import-mapping-month"
            />
            {note(
              `${
                layout.titleMonth ? `标题行写明：${monthText(layout.titleMonth)}。` : ''
              }文件中没有“月份”列的行按此月份导入`,
            )}
          </Flex>
        )}
      </Flex>

      {missing.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={`以下必填字段还没有对应的列：${missing.map((f) => f.label).join('、')}`}
          description="请在“导入为”中为它们各选一列；文件中确实没有的，请补充后重新上传。"
          data-testid="import-mapping-missing"
        />
      )}
      {twice.size > 0 && (
        <Alert
          type="error"
          showIcon
          title="同一字段对应了多列"
          description={[...twice]
            .map(
              (key) =>
                `“${byKey.get(key)?.label ?? key}”：${columnsOf(key)
                  .map((c) => `${c.letter}列`)
                  .join('、')}`,
            )
            .join('；')}
          data-testid="import-mapping-twice"
        />
      )}
      {!projects && month === null && <Alert type="error" showIcon title="请选择调度月份" />}
      {props.error != null && (
        <Alert
          type="error"
          showIcon
          title="列映射未通过"
          description={errorText(props.error)}
          data-testid="import-mapping-error"
        />
      )}

      <Flex gap={12} align="center" wrap>
        <Button
          type="primary"
          disabled={blocked}
          loading={props.pending}
          onClick={submit}
          data-testid="import-mapping-next"
        >
          下一步：校验数据
        </Button>
        {props.onCancel && (
          <Button onClick={props.onCancel} data-testid="import-mapping-cancel">
            不修改，返回预览
          </Button>
        )}
        {props.again}
      </Flex>
    </Flex>
  );
}
