import { useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Empty,
  Flex,
  Grid,
  Select,
  Skeleton,
  Table,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { EditOutlined, FormOutlined } from '@ant-design/icons';
import {
  percentOf,
  projectStageLabels,
  reportableStages,
  sumDecimals,
  type MonthlyReport,
  type Project,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { formatDateTime } from '../../lib/format';
import { reportsApi, type ProjectMonth } from './api';
import {
  canSubmitReports,
  currentMonth,
  defaultReportMonth,
  isReportable,
  monthLabel,
  reportKeys,
  wanFixed,
} from './model';
import { PhotoThumbs } from '../../components/Photos';
import { ReportFormModal, type ReportFormMode } from './ReportFormModal';
import { ClosedTag, closedExplanation, CompletionBar, LateTag, ReportStatusTag } from './tags';

interface Row extends ProjectMonth {
  /** invested from January to this month (万元) */
  cumulative: string;
  completion: string | null;
}

function ProblemsText({ text }: { text: string }) {
  if (!text) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Typography.Paragraph
      style={{ margin: 0, maxWidth: 150 }}
      ellipsis={{ rows: 2, tooltip: text }}
    >
      {text}
    </Typography.Paragraph>
  );
}

/**
 * 月度调度 of one project: the year's months with their reports (本月完成投资,
 * 本年累计, 年度完成率, 形象进度, photos, problems, 逾期填报), 填报本月 and 修改;
 * a closed month is read-only and says why.
 */
export function ProjectReportsSection({ project: p }: { project: Project }) {
  const me = useMe();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const thisYear = Number(currentMonth().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [form, setForm] = useState<{ mode: ReportFormMode; session: number } | null>(null);
  const submit = canSubmitReports(me.role);
  const key = reportKeys.project(me.activeRegionCode, p.id, year);
  const data = useQuery({ queryKey: key, queryFn: () => reportsApi.forProject(p.id, year) });

  const d = data.data;
  const planned = !!d && d.planYear === d.year;
  const months = d?.months ?? [];
  const rows: Row[] = months.map((m, i) => {
    const cumulative = sumDecimals(
      months.slice(0, i + 1).flatMap((x) => (x.report ? [x.report.invested] : [])),
    );
    return {
      ...m,
      cumulative,
      completion: planned ? percentOf(cumulative, d.annualPlan) : null,
    };
  });
  const shown = rows.filter((r) => r.report || r.status !== null).reverse();
  // in January, last December is still being collected: offer it from this year's view too
  const lastMonth = defaultReportMonth();
  const lastYear = Number(lastMonth.slice(0, 4));
  const december = useQuery({
    queryKey: reportKeys.project(me.activeRegionCode, p.id, lastYear),
    queryFn: () => reportsApi.forProject(p.id, lastYear),
    enabled: year === thisYear && lastYear < thisYear,
  });
  const decemberOpen =
    year === thisYear &&
    december.data?.months.some((m) => m.month === lastMonth && !m.report && !m.closed)
      ? [lastMonth]
      : [];
  const open = [
    ...rows
      .filter((r) => !r.report && !r.closed)
      .map((r) => r.month)
      .reverse(),
    ...decemberOpen,
  ];
  const reportable = isReportable(p.stage);
  const mayFill = submit && reportable && open.length > 0;

  const openForm = (mode: ReportFormMode) =>
    setForm((f) => ({ mode, session: (f?.session ?? 0) + 1 }));
  const saved = (r: MonthlyReport) => {
    void qc.invalidateQueries({ queryKey: reportKeys.all });
    // the problems raised from a report show its month
    if (r.problems) void qc.invalidateQueries({ queryKey: ['problems'] });
  };

  const edit = (r: Row): ReactNode => {
    if (!submit || !r.report) return null;
    if (r.closed)
      return (
        <Tooltip title={closedExplanation(r.month)}>
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
            已关闭，不能修改
          </Typography.Text>
        </Tooltip>
      );
    return (
      <Button
        size="small"
        icon={<EditOutlined />}
        onClick={() => openForm({ kind: 'edit', report: r.report! })}
        data-testid="report-edit"
      >
        修改
      </Button>
    );
  };
  const fill = (r: Row): ReactNode =>
    submit && reportable && !r.report && !r.closed ? (
      <Button
        size="small"
        type="primary"
        ghost
        icon={<FormOutlined />}
        onClick={() => openForm({ kind: 'new', months: open, month: r.month })}
        data-testid="report-fill-month"
      >
        填报
      </Button>
    ) : null;

  const status = (r: Row) => (
    <Flex gap={4} wrap>
      {r.status === 'late' && r.report ? (
        <LateTag deadline={r.report.deadline} />
      ) : (
        r.status && <ReportStatusTag status={r.status} />
      )}
      {r.closed && <ClosedTag month={r.month} />}
    </Flex>
  );

  const columns: TableColumnsType<Row> = [
    {
      title: '月份',
      key: 'month',
      width: 120,
      render: (_, r) => (
        <Flex vertical gap={4} align="flex-start">
          <Typography.Text strong>{monthLabel(r.month)}</Typography.Text>
          {status(r)}
        </Flex>
      ),
    },
    {
      title: '本月投资（万元）',
      key: 'invested',
      width: 110,
      align: 'right',
      render: (_, r) => (r.report ? wanFixed(r.report.invested) : '—'),
    },
    {
      title: '本年累计（万元）/ 完成率',
      key: 'cumulative',
      width: 170,
      render: (_, r) => (
        <Flex vertical>
          <span>{wanFixed(r.cumulative)}</span>
          <CompletionBar percent={r.completion} />
        </Flex>
      ),
    },
    {
      title: '形象进度',
      key: 'progress',
      width: 220,
      render: (_, r) =>
        r.report ? (
          <Typography.Paragraph
            style={{ margin: 0, maxWidth: 220, whiteSpace: 'pre-wrap' }}
            ellipsis={{ rows: 3, tooltip: r.report.progress }}
          >
            {r.report.progress}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '照片',
      key: 'photos',
      width: 110,
      render: (_, r) =>
        r.report?.photos.length ? (
          <PhotoThumbs photos={r.report.photos} size={40} />
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '存在问题',
      key: 'problems',
      width: 150,
      render: (_, r) => <ProblemsText text={r.report?.problems ?? ''} />,
    },
    {
      title: '填报人',
      key: 'by',
      width: 170,
      render: (_, r) =>
        r.report ? (
          <Flex vertical>
            <span>{r.report.reporterName}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(r.report.submittedAt)}
              {r.report.source === 'import' ? ' · 导入' : ''}
            </Typography.Text>
          </Flex>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(submit
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 96,
            fixed: 'right' as const,
            render: (_: unknown, r: Row) => edit(r) ?? fill(r),
          },
        ]
      : []),
  ];

  const years = [thisYear, thisYear - 1, thisYear - 2];

  return (
    <Card
      title="月度调度"
      size="small"
      data-testid="reports-section"
      extra={
        <Flex gap={8} wrap justify="flex-end">
          <Select
            size="small"
            value={year}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: `${y}年` }))}
            style={{ width: 90 }}
            aria-label="年份"
            data-testid="reports-year"
          />
          {mayFill && (
            <Button
              size="small"
              type="primary"
              icon={<FormOutlined />}
              onClick={() =>
                openForm({
                  kind: 'new',
                  months: open,
                  month: open.includes(lastMonth) ? lastMonth : open[0],
                })
              }
              data-testid="report-fill"
            >
              填报本月
            </Button>
          )}
        </Flex>
      }
    >
      {data.isError ? (
        <QueryError error={data.error} onRetry={() => void data.refetch()} />
      ) : !d ? (
        <Skeleton active />
      ) : (
        <Flex vertical gap={12}>
          <Flex gap={phone ? 8 : 24} wrap align="center" data-testid="reports-summary">
            <span>
              {d.planYear === d.year ? `${d.year}年计划投资 ` : '年度计划投资 '}
              <Typography.Text strong>{wanFixed(d.annualPlan)}</Typography.Text> 万元
              {d.planYear !== d.year && (
                <Typography.Text type="secondary">（为{d.planYear}年计划）</Typography.Text>
              )}
            </span>
            <span>
              本年已报{' '}
              <Typography.Text strong data-testid="reports-year-invested">
                {wanFixed(d.yearInvested)}
              </Typography.Text>{' '}
              万元
            </span>
            <Flex align="center" gap={8}>
              年度完成率
              <span data-testid="reports-completion">
                <CompletionBar percent={d.completion} width={140} />
              </span>
            </Flex>
          </Flex>
          {!reportable && (
            <Typography.Text type="secondary">
              项目处于“{projectStageLabels[p.stage]}”阶段；月度调度只收
              {reportableStages.map((s) => projectStageLabels[s]).join('、')}阶段的项目。
            </Typography.Text>
          )}
          {shown.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={`${year}年还没有调度报告`}
              data-testid="reports-empty"
            />
          ) : phone ? (
            <Flex vertical gap={8} data-testid="reports-cards">
              {shown.map((r) => (
                <MonthCard key={r.month} row={r} status={status(r)} action={edit(r) ?? fill(r)} />
              ))}
            </Flex>
          ) : (
            <Table<Row>
              rowKey="month"
              size="small"
              data-testid="reports-table"
              columns={columns}
              dataSource={shown}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(r) => ({ 'data-month': r.month }) as React.HTMLAttributes<HTMLElement>}
            />
          )}
        </Flex>
      )}
      {form && (
        <ReportFormModal
          key={form.session}
          project={p}
          mode={form.mode}
          year={
            d && planned
              ? {
                  annualPlan: d.annualPlan,
                  planYear: d.planYear,
                  yearInvested: d.yearInvested,
                  completion: d.completion,
                }
              : undefined
          }
          onClose={() => setForm(null)}
          onSaved={saved}
        />
      )}
    </Card>
  );
}

/** One month on a phone. */
function MonthCard({ row: r, status, action }: { row: Row; status: ReactNode; action: ReactNode }) {
  return (
    <Card size="small" data-testid="report-card" data-month={r.month}>
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong style={{ fontSize: 15 }}>
          {monthLabel(r.month)}
        </Typography.Text>
        {status}
      </Flex>
      {r.report ? (
        <Flex vertical gap={4} style={{ marginTop: 6, fontSize: 13 }}>
          <span>
            本月完成 <Typography.Text strong>{wanFixed(r.report.invested)}</Typography.Text> 万元 ·
            本年累计 {wanFixed(r.cumulative)} 万元
          </span>
          {r.completion !== null && <CompletionBar percent={r.completion} />}
          <Typography.Paragraph
            style={{ margin: 0, whiteSpace: 'pre-wrap' }}
            ellipsis={{ rows: 3, expandable: true, symbol: '展开' }}
          >
            <Typography.Text type="secondary">形象进度：</Typography.Text>
            {r.report.progress}
          </Typography.Paragraph>
          {r.report.problems && (
            <Typography.Paragraph
              style={{ margin: 0 }}
              ellipsis={{ rows: 2, expandable: true, symbol: '展开' }}
            >
              <Typography.Text type="secondary">存在问题：</Typography.Text>
              {r.report.problems}
            </Typography.Paragraph>
          )}
          <PhotoThumbs photos={r.report.photos} size={64} />
          <Flex gap={6} wrap align="center">
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.report.reporterName} · {formatDateTime(r.report.submittedAt)}
            </Typography.Text>
          </Flex>
        </Flex>
      ) : (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6, fontSize: 13 }}>
          {r.closed ? closedExplanation(r.month) : '尚未填报'}
        </Typography.Text>
      )}
      {action && (
        <Flex justify="flex-end" style={{ marginTop: 8 }}>
          {action}
        </Flex>
      )}
    </Card>
  );
}
