import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Form,
  Grid,
  Input,
  Select,
  Skeleton,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import dayjs, { type Dayjs } from 'dayjs';
import { plainName, type CalendarDay } from '@xiangmu/contracts';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { ApiError, errorText } from '../../lib/api-client';
import { zodRule } from '../../lib/forms';
import { type CalendarYear, milestoneKeys, milestonesApi } from '../milestones';
import { DATE } from '../../lib/format';

type Kind = CalendarDay['kind'];

interface Row {
  date?: Dayjs | null;
  kind?: Kind;
  name?: string;
}

const weekdays = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

export const kindLabels: Record<Kind, string> = { holiday: '休', workday: '班' };

export function KindTag({ kind }: { kind: Kind }) {
  return (
    <Tag
      color={kind === 'holiday' ? 'green' : 'volcano'}
      style={{ marginInlineEnd: 0 }}
      data-kind={kind}
    >
      {kindLabels[kind]}
    </Tag>
  );
}

/** "第3行：同一天只能填写一次" from the server's issues (path corrections.2.date). */
function issueLines(e: unknown): string[] {
  if (!(e instanceof ApiError)) return [];
  return e.issues.map((i) => {
    const m = /corrections\.(\d+)/.exec(i.path);
    return m ? `第${Number(m[1]) + 1}行：${i.message}` : i.message;
  });
}

function CorrectionsEditor(props: { year: number; data: CalendarYear }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<{ rows: Row[] }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; lines: string[] } | null>(null);
  const [saved, setSaved] = useState<{ corrections: number; recomputed: number } | null>(null);
  const yearStart = dayjs(`${props.year}-01-01`);

  async function submit(v: { rows?: Row[] }) {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const result = await milestonesApi.calendar.save(props.year, {
        corrections: (v.rows ?? []).map((r) => ({
          date: r.date!.format(DATE),
          kind: r.kind!,
          name: (r.name ?? '').trim(),
        })),
      });
      setSaved(result);
      message.success(`已保存，已重算${result.recomputed}个节点的截止日期`);
      void qc.invalidateQueries({ queryKey: milestoneKeys.calendar(props.year) });
      void qc.invalidateQueries({ queryKey: milestoneKeys.all });
    } catch (e) {
      setError({ text: errorText(e), lines: issueLines(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={`${props.year}年更正`}
      size="small"
      data-testid="calendar-corrections"
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          保存后，按工作日倒排的节点截止日期会自动重算
        </Typography.Text>
      }
    >
      {saved && (
        <Alert
          type="success"
          showIcon
          title={`已保存${saved.corrections}条更正，已重算${saved.recomputed}个节点的截止日期`}
          style={{ marginBottom: 12 }}
          data-testid="calendar-saved"
          closable={{ onClose: () => setSaved(null) }}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.text}
          description={
            error.lines.length ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {error.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            ) : undefined
          }
          style={{ marginBottom: 12 }}
          data-testid="calendar-error"
        />
      )}
      <Form
        form={form}
        name="calendar-corrections"
        initialValues={{
          rows: props.data.corrections.map((c) => ({
            date: dayjs(c.date),
            kind: c.kind,
            name: c.name,
          })),
        }}
        onFinish={(v) => void submit(v)}
      >
        <Form.List name="rows">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.length === 0 && (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description="本年度没有管理员更正"
                  style={{ margin: '8px 0' }}
                />
              )}
              {fields.map((field, i) => (
                <Flex
                  key={field.key}
                  gap={8}
                  align="flex-start"
                  wrap={!screens.sm}
                  data-testid="correction-row"
                >
                  <Typography.Text
                    type="secondary"
                    style={{ width: 24, lineHeight: '32px', textAlign: 'right', flex: 'none' }}
                  >
                    {i + 1}.
                  </Typography.Text>
                  <Form.Item
                    name={[field.name, 'date']}
                    rules={[{ required: true, message: '请选择日期' }]}
                    style={{ marginBottom: 0, width: screens.sm ? 150 : 'calc(100% - 88px)' }}
                  >
                    <DatePicker
                      style={{ width: '100%' }}
                      placeholder="日期"
                      defaultPickerValue={yearStart}
                      disabledDate={(d) => d.year() !== props.year}
                      aria-label={`第${i + 1}行日期`}
                    />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const d = form.getFieldValue(['rows', field.name, 'date']) as
                        Dayjs | null | undefined;
                      return (
                        <Typography.Text
                          type={d && (d.day() === 0 || d.day() === 6) ? 'warning' : 'secondary'}
                          style={{ width: 48, lineHeight: '32px', flex: 'none' }}
                          data-testid="correction-weekday"
                        >
                          {d ? weekdays[d.day()] : ''}
                        </Typography.Text>
                      );
                    }}
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'kind']}
                    rules={[{ required: true, message: '请选择' }]}
                    style={{ marginBottom: 0, width: 150, flex: 'none' }}
                  >
                    <Select<Kind>
                      placeholder="休 / 班"
                      aria-label={`第${i + 1}行类型`}
                      options={[
                        { value: 'holiday', label: '休（放假）' },
                        { value: 'workday', label: '班（调休上班）' },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'name']}
                    rules={[
                      { required: true, whitespace: true, message: '请填写名称' },
                      zodRule(plainName(20)),
                    ]}
                    style={{ marginBottom: 0, flex: '1 1 160px' }}
                  >
                    <Input
                      maxLength={20}
                      placeholder="如：国庆节、国庆节调休"
                      aria-label={`第${i + 1}行名称`}
                    />
                  </Form.Item>
                  <Tooltip title="删除这一行">
                    <Button
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(field.name)}
                      aria-label="删除这一行"
                      data-testid="correction-remove"
                    />
                  </Tooltip>
                </Flex>
              ))}
              <Flex gap={8} wrap>
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ kind: 'holiday', name: '' })}
                  disabled={fields.length >= 366}
                  data-testid="correction-add"
                >
                  添加一行
                </Button>
                <Button
                  type="primary"
                  icon={<SaveOutlined />}
                  loading={busy}
                  onClick={() => form.submit()}
                  data-testid="calendar-save"
                >
                  保存更正
                </Button>
              </Flex>
            </Flex>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

/**
 * 工作日历 (city admin): the year's days that differ from Monday–Friday, from
 * the calendar package (chinese-days) and the admin's own corrections. The
 * State Council publishes each next year's arrangement late in the year; until
 * the package knows it, the admin enters it here.
 */
export default function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const thisYear = dayjs().year();
  const raw = Number(params.get('year'));
  const year = Number.isInteger(raw) && raw >= 2000 && raw <= 2100 ? raw : thisYear;
  const calendar = useQuery({
    queryKey: milestoneKeys.calendar(year),
    queryFn: () => milestonesApi.calendar.get(year),
  });
  const data = calendar.data;

  const columns: TableColumnsType<CalendarDay> = [
    {
      title: '日期',
      dataIndex: 'date',
      width: 120,
      render: (d: string) => <span data-testid="calendar-day-date">{d}</span>,
    },
    { title: '星期', key: 'weekday', width: 80, render: (_, d) => weekdays[dayjs(d.date).day()] },
    { title: '安排', key: 'kind', width: 70, render: (_, d) => <KindTag kind={d.kind} /> },
    { title: '名称', dataIndex: 'name', width: 160 },
    {
      title: '来源',
      key: 'source',
      width: 100,
      render: (_, d) =>
        d.source === 'admin' ? (
          <Tag color="blue" style={{ marginInlineEnd: 0 }}>
            管理员更正
          </Tag>
        ) : (
          <Tag style={{ marginInlineEnd: 0 }}>国务院公布</Tag>
        ),
    },
  ];

  const holidays = data?.days.filter((d) => d.kind === 'holiday').length ?? 0;
  const workdays = data?.days.filter((d) => d.kind === 'workday').length ?? 0;

  return (
    <>
      <PageHeader
        title="工作日历"
        description="倒排工期和办理时限按法定工作日计算：周一至周五上班，法定节假日放假（休），调休的周末上班（班）"
        extra={
          <DatePicker
            picker="year"
            allowClear={false}
            value={dayjs(`${year}-01-01`)}
            onChange={(d) => d && setParams({ year: String(d.year()) })}
            aria-label="年份"
            data-testid="calendar-year"
          />
        }
      />
      {calendar.isError && (
        <QueryError error={calendar.error} onRetry={() => void calendar.refetch()} />
      )}
      {!data ? (
        !calendar.isError && (
          <Card>
            <Skeleton active />
          </Card>
        )
      ) : (
        <Flex vertical gap={16} key={year}>
          {data.published ? (
            <Alert
              type="success"
              showIcon
              title={`系统已内置${year}年国务院公布的节假日安排`}
              description="如有变动，可在下方录入更正；更正优先于内置安排。"
              data-testid="calendar-published"
            />
          ) : (
            <Alert
              type="warning"
              showIcon
              title={`系统尚未内置${year}年的节假日安排`}
              description={`国务院办公厅通常在上一年11—12月公布次年的放假和调休安排。公布后请在下方逐日录入${year}年的放假日（休）和调休上班日（班）；录入之前，${year}年只按周一至周五计算工作日。`}
              data-testid="calendar-unpublished"
            />
          )}
          <CorrectionsEditor year={year} data={data} />
          <Card
            title={`${year}年非标准日`}
            size="small"
            extra={
              <Typography.Text type="secondary" data-testid="calendar-day-counts">
                休{holidays}天 · 班{workdays}天
              </Typography.Text>
            }
          >
            <Table<CalendarDay>
              rowKey="date"
              size="small"
              columns={columns}
              dataSource={data.days}
              pagination={false}
              scroll={{ x: 'max-content', y: 480 }}
              onRow={(d) => ({ 'data-source': d.source }) as React.HTMLAttributes<HTMLElement>}
              locale={{
                emptyText: (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description="没有与周一至周五不同的日子"
                  />
                ),
              }}
              data-testid="calendar-days"
            />
          </Card>
        </Flex>
      )}
    </>
  );
}
