import { useState, type ReactNode } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Grid,
  Input,
  Pagination,
  Segmented,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { EditOutlined, FormOutlined, PictureOutlined, UploadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { patchParams } from '../../lib/search-params';
import dayjs from 'dayjs';
import {
  REPORT_DEADLINE_DAY,
  reportStatuses,
  type MonthlyReport,
  type ReportStatus,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { errorText } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { StageTag } from '../projects';
import { reportsApi, type ReportListItem, type ReportListParams } from './api';
import { CompletionCard } from './CompletionCard';
import {
  canSubmitReports,
  currentMonth,
  defaultReportMonth,
  formatWan,
  isMonth,
  isReportable,
  monthLabel,
  REPORT_IMPORTERS,
  REPORT_OVERVIEW,
  reportKeys,
  reportStatusOrder,
  reportStatusText,
  wanFixed,
} from './model';
import { MonthClosures } from './MonthClosures';
import { ReportFormModal, type ReportFormMode } from './ReportFormModal';
import { ClosedTag, closedExplanation, CompletionBar, LateTag, ReportStatusTag } from './tags';

const PAGE_SIZE = 20;
const isStatus = (v: string | null): v is ReportStatus =>
  v !== null && (reportStatuses as readonly string[]).includes(v);

const dotColors: Record<ReportStatus, string> = {
  on_time: '#389e0d',
  late: '#d48806',
  missing: '#cf1322',
  due: '#1677ff',
};

/**
 * 月度调度 of the region: for a month, the projects that must report (在建 at
 * the month's end) and those that reported anyway, with 已报 / 逾期填报 / 未报 /
 * 待报, the month's investment, the year's completion; the month's closing;
 * 年度投资完成率 by district.
 */
export default function ReportsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [params, setParams] = useSearchParams();
  const rawMonth = params.get('month');
  const month = isMonth(rawMonth) && rawMonth <= currentMonth() ? rawMonth : defaultReportMonth();
  const rawStatus = params.get('status');
  const status = isStatus(rawStatus) ? rawStatus : undefined;
  const q = params.get('q') ?? '';
  const regionCode = params.get('region') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const submit = canSubmitReports(me.role);
  /** the region's figures and project pages: government roles; an enterprise sees its own projects */
  const overview = REPORT_OVERVIEW.includes(me.role);
  const mayImport = REPORT_IMPORTERS.includes(me.role);
  const [form, setForm] = useState<{
    project: { id: number; name: string };
    mode: ReportFormMode;
    item: ReportListItem;
    session: number;
  } | null>(null);
  const [loadingReport, setLoadingReport] = useState<number | null>(null);

  const query: ReportListParams = {
    page,
    pageSize: PAGE_SIZE,
    month,
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
    ...(regionCode ? { regionCode } : {}),
  };
  const list = useQuery({
    queryKey: reportKeys.list(me.activeRegionCode, query),
    queryFn: () => reportsApi.list(query),
    placeholderData: keepPreviousData,
  });

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => patchParams(prev, patch));

  const open = (item: ReportListItem, mode: ReportFormMode) =>
    setForm((f) => ({
      project: { id: item.projectId, name: item.projectName },
      mode,
      item,
      session: (f?.session ?? 0) + 1,
    }));

  async function edit(item: ReportListItem) {
    if (!item.report) return;
    setLoadingReport(item.report.id);
    try {
      const report = await reportsApi.get(item.report.id);
      open(item, { kind: 'edit', report });
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setLoadingReport(null);
    }
  }

  const saved = (_r: MonthlyReport) => void qc.invalidateQueries({ queryKey: reportKeys.all });

  const data = list.data;
  // the whole month closed (a district's view): the notice above says so once
  const allClosed = !!data && data.items.length > 0 && data.items.every((r) => r.closed);

  const action = (r: ReportListItem): ReactNode => {
    if (!submit) return null;
    if (r.closed)
      return !allClosed && (r.report || isReportable(r.stage)) ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} title={closedExplanation(month)}>
          已关闭
        </Typography.Text>
      ) : null;
    if (r.report)
      return (
        <Button
          size="small"
          icon={<EditOutlined />}
          loading={loadingReport === r.report.id}
          onClick={() => void edit(r)}
          data-testid="report-edit"
        >
          修改
        </Button>
      );
    if (!isReportable(r.stage)) return null;
    return (
      <Button
        size="small"
        type="primary"
        ghost
        icon={<FormOutlined />}
        onClick={() => open(r, { kind: 'new', months: [month], month })}
        data-testid="report-fill"
      >
        填报
      </Button>
    );
  };

  const statusCell = (r: ReportListItem) => (
    <Flex gap={4} wrap>
      <ReportStatusTag status={r.status} />
      {r.closed && !allClosed && <ClosedTag month={month} />}
    </Flex>
  );

  const columns: TableColumnsType<ReportListItem> = [
    {
      title: '项目名称',
      key: 'name',
      width: 220,
      fixed: 'left',
      render: (_, r) => (
        <Flex vertical>
          <ProjectName item={r} link={overview} />
          <Flex gap={6} align="center" wrap>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.regionName}
            </Typography.Text>
            {r.stage !== 'building' && <StageTag stage={r.stage} />}
          </Flex>
        </Flex>
      ),
    },
    { title: '状态', key: 'status', width: 110, render: (_, r) => statusCell(r) },
    {
      title: '本月投资（万元）',
      key: 'invested',
      width: 120,
      align: 'right',
      render: (_, r) => (r.report ? wanFixed(r.report.invested) : '—'),
    },
    {
      title: '形象进度',
      key: 'progress',
      width: 200,
      render: (_, r) =>
        r.report ? (
          <Typography.Paragraph
            style={{ margin: 0, maxWidth: 200 }}
            ellipsis={{ rows: 2, tooltip: r.report.progress }}
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
      width: 60,
      align: 'center',
      render: (_, r) =>
        r.report?.photoCount ? (
          <span title={`${r.report.photoCount}张照片`}>
            <PictureOutlined /> {r.report.photoCount}
          </span>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '本年累计 / 年度计划（万元）',
      key: 'year',
      width: 210,
      render: (_, r) => (
        <Flex vertical>
          <span>
            {wanFixed(r.yearInvested)} / {wanFixed(r.annualPlan)}
            {r.planYear !== Number(month.slice(0, 4)) && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {' '}
                （{r.planYear}年计划）
              </Typography.Text>
            )}
          </span>
          <CompletionBar percent={r.completion} />
        </Flex>
      ),
    },
    {
      title: '填报人',
      key: 'by',
      width: 150,
      render: (_, r) =>
        r.report ? (
          <Flex vertical>
            <span>{r.report.reporterName}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(r.report.submittedAt)}
            </Typography.Text>
          </Flex>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(submit && !allClosed
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 90,
            fixed: 'right' as const,
            render: (_: unknown, r: ReportListItem) => action(r),
          },
        ]
      : []),
  ];

  const counts = data?.counts;
  const countOf = (s: ReportStatus) =>
    counts
      ? { on_time: counts.onTime, late: counts.late, missing: counts.missing, due: counts.due }[s]
      : 0;
  const statusOptions = [
    {
      value: 'all',
      label: <span data-testid="report-filter-all">全部{counts ? ` ${counts.total}` : ''}</span>,
    },
    ...reportStatusOrder.map((s) => ({
      value: s,
      label: (
        <span data-testid={`report-filter-${s}`} style={{ whiteSpace: 'nowrap' }}>
          {!phone && (
            <span
              aria-hidden
              style={{
                display: 'inline-block',
                width: 8,
                height: 8,
                borderRadius: '50%',
                background: dotColors[s],
                marginInlineEnd: 4,
              }}
            />
          )}
          {phone && s === 'late' ? '逾期' : reportStatusText[s]}
          {counts ? ` ${countOf(s)}` : ''}
        </span>
      ),
    })),
  ];

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid="reports-list-empty"
      description={
        list.isError
          ? '数据加载失败'
          : status || q || regionCode
            ? '没有符合条件的项目'
            : `${monthLabel(month)}没有需要调度的项目`
      }
    />
  );

  return (
    <>
      <PageHeader
        title="月度调度"
        description={
          overview
            ? `${me.activeRegionName}及下级区域：当月底处于“在建”阶段的项目须报送当月完成投资与形象进度，次月${REPORT_DEADLINE_DAY}日前报送为按时`
            : `本企业建设的项目：每月报送当月完成投资、形象进度和现场照片，次月${REPORT_DEADLINE_DAY}日前报送为按时`
        }
        extra={
          mayImport && (
            <Button
              icon={<UploadOutlined />}
              onClick={() => navigate(`/reports/import?month=${month}`)}
              data-testid="reports-import"
            >
              导入月度调度
            </Button>
          )
        }
      />
      <Flex vertical gap={16}>
        <Card>
          <Flex vertical gap={12}>
            <Flex gap={8} wrap align="center">
              <DatePicker
                picker="month"
                value={dayjs(`${month}-01`)}
                allowClear={false}
                format="YYYY年M月"
                disabledDate={(d) => d.format('YYYY-MM') > currentMonth()}
                onChange={(d) => d && set({ month: d.format('YYYY-MM') })}
                style={{ width: phone ? 140 : 150 }}
                aria-label="调度月份"
                data-testid="report-month-picker"
              />
              {overview && (
                <RegionTreeSelect
                  allowClear
                  maxLevel="street"
                  placeholder="全部区域"
                  value={regionCode}
                  onChange={(v) => set({ region: v })}
                  style={{ width: phone ? 'calc(100% - 148px)' : 200 }}
                  data-testid="report-filter-region"
                />
              )}
              <Input.Search
                allowClear
                placeholder="项目名称或拼音首字母"
                defaultValue={q}
                key={q}
                onSearch={(v) => set({ q: v.trim() || undefined })}
                style={{ width: phone ? '100%' : 240 }}
                data-testid="report-search"
              />
            </Flex>
            <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
              <Segmented
                value={status ?? 'all'}
                onChange={(v) => set({ status: v === 'all' ? undefined : String(v) })}
                options={statusOptions}
                data-testid="report-status-filter"
              />
            </div>
            {data && (
              <Typography.Text data-testid="reports-summary">
                {monthLabel(data.month)}：应报
                <Typography.Text strong> {data.counts.total} </Typography.Text>
                个项目，已报 {data.counts.onTime + data.counts.late} 个
                {data.counts.late ? `（逾期填报 ${data.counts.late} 个）` : ''}，未报{' '}
                {data.counts.missing} 个{data.counts.due ? `，待报 ${data.counts.due} 个` : ''}
                ；本月完成投资合计{' '}
                <Typography.Text strong data-testid="reports-invested-sum">
                  {formatWan(data.investedSum)}
                </Typography.Text>
                。按时报送截止 {data.deadline}。
              </Typography.Text>
            )}
          </Flex>
        </Card>

        {overview && <MonthClosures month={month} />}

        <Card size="small" title={`${monthLabel(month)}调度情况`}>
          {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
          {phone ? (
            <Flex vertical gap={8} data-testid="reports-list-cards">
              {data && data.items.length === 0 && empty}
              {(data?.items ?? []).map((r) => (
                <ReportItemCard
                  key={r.projectId}
                  link={overview}
                  item={r}
                  status={statusCell(r)}
                  action={action(r)}
                />
              ))}
              {!!data && data.total > PAGE_SIZE && (
                <Pagination
                  simple
                  align="center"
                  current={page}
                  pageSize={PAGE_SIZE}
                  total={data.total}
                  onChange={(p) => set({ page: String(p) })}
                />
              )}
            </Flex>
          ) : (
            <Table<ReportListItem>
              rowKey="projectId"
              size="middle"
              data-testid="reports-list-table"
              columns={columns}
              dataSource={data?.items ?? []}
              loading={list.isFetching}
              locale={{ emptyText: empty }}
              scroll={{ x: 'max-content' }}
              onRow={(r) => ({ 'data-status': r.status }) as React.HTMLAttributes<HTMLElement>}
              pagination={{
                current: page,
                pageSize: PAGE_SIZE,
                total: data?.total ?? 0,
                showSizeChanger: false,
                hideOnSinglePage: true,
                showTotal: (n) => `共 ${n} 个项目`,
                onChange: (p) => set({ page: String(p) }),
              }}
            />
          )}
        </Card>

        {overview && <CompletionCard year={Number(month.slice(0, 4))} regionCode={regionCode} />}
      </Flex>

      {form && (
        <ReportFormModal
          key={form.session}
          project={form.project}
          mode={form.mode}
          year={
            form.item.planYear === Number(month.slice(0, 4))
              ? {
                  annualPlan: form.item.annualPlan,
                  planYear: form.item.planYear,
                  yearInvested: form.item.yearInvested,
                  completion: form.item.completion,
                }
              : undefined
          }
          onClose={() => setForm(null)}
          onSaved={saved}
        />
      )}
    </>
  );
}

/** The project's name, linked to its page for those who may open it (not an enterprise). */
function ProjectName({ item, link }: { item: ReportListItem; link: boolean }) {
  return link ? (
    <Link to={`/projects/${item.projectId}`} data-testid="report-project-link">
      {item.projectName}
    </Link>
  ) : (
    <Typography.Text strong data-testid="report-project-name">
      {item.projectName}
    </Typography.Text>
  );
}

/** One project of the month on a phone. */
function ReportItemCard(props: {
  item: ReportListItem;
  link: boolean;
  status: ReactNode;
  action: ReactNode;
}) {
  const r = props.item;
  return (
    <Card
      size="small"
      data-testid="report-item-card"
      data-status={r.status}
      style={{ borderInlineStart: `4px solid ${dotColors[r.status]}` }}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Flex vertical style={{ minWidth: 0 }}>
          <ProjectName item={r} link={props.link} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.regionName}
          </Typography.Text>
        </Flex>
        {props.status}
      </Flex>
      <Flex vertical gap={4} style={{ marginTop: 6, fontSize: 13 }}>
        {r.report && (
          <>
            <span>
              本月完成 <Typography.Text strong>{wanFixed(r.report.invested)}</Typography.Text> 万元
              {r.report.photoCount ? ` · ${r.report.photoCount}张照片` : ''}
            </span>
            <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 2 }}>
              <Typography.Text type="secondary">形象进度：</Typography.Text>
              {r.report.progress}
            </Typography.Paragraph>
          </>
        )}
        <span>
          本年累计 {wanFixed(r.yearInvested)} / 计划 {wanFixed(r.annualPlan)} 万元
        </span>
        <CompletionBar percent={r.completion} />
        {r.report?.late && (
          <span>
            <LateTag />
          </span>
        )}
      </Flex>
      {props.action && (
        <Flex justify="flex-end" style={{ marginTop: 8 }}>
          {props.action}
        </Flex>
      )}
    </Card>
  );
}
