import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { PlayCircleOutlined, ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { describeJobResult, type JobRun, type jobStatuses } from '@xiangmu/contracts';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { api, errorText, type JobDefinition } from '../../lib/api-client';
import { formatDateTime, formatInterval } from '../../lib/format';

type Status = (typeof jobStatuses)[number];

const statusTag: Record<Status, { color: string; label: string }> = {
  queued: { color: 'default', label: '排队中' },
  running: { color: 'processing', label: '运行中' },
  succeeded: { color: 'success', label: '成功' },
  failed: { color: 'error', label: '失败' },
};

const POLL_MS = 2000;

export default function JobsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [starting, setStarting] = useState<string | null>(null);

  const defs = useQuery({ queryKey: ['jobs', 'definitions'], queryFn: api.jobs.definitions });
  const runs = useQuery({
    queryKey: ['jobs', 'runs', page],
    queryFn: () => api.jobs.runs(page),
    placeholderData: keepPreviousData,
    // keep polling while something is waiting or running
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running')
        ? POLL_MS
        : false,
  });
  const titles = useMemo(
    () => new Map((defs.data ?? []).map((d) => [d.name, d.title])),
    [defs.data],
  );
  const active =
    runs.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ?? false;

  async function runNow(name: string) {
    setStarting(name);
    try {
      const { id } = await api.jobs.run(name);
      message.success(`已加入队列（运行编号 ${id}）`);
      setPage((p) => ({ ...p, page: 1 }));
      await qc.invalidateQueries({ queryKey: ['jobs'] });
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setStarting(null);
    }
  }

  const defColumns: TableColumnsType<JobDefinition> = [
    { title: '任务', dataIndex: 'title', width: 200 },
    {
      title: '代码',
      dataIndex: 'name',
      width: 160,
      render: (n: string) => <Typography.Text code>{n}</Typography.Text>,
    },
    { title: '运行周期', dataIndex: 'intervalSeconds', width: 120, render: formatInterval },
    { title: '下次计划运行', dataIndex: 'nextRunAt', width: 170, render: formatDateTime },
    {
      title: '操作',
      key: 'run',
      width: 120,
      render: (_, d) => (
        <Button
          size="small"
          icon={<PlayCircleOutlined />}
          loading={starting === d.name}
          onClick={() => void runNow(d.name)}
          data-testid={`job-run-${d.name}`}
        >
          立即运行
        </Button>
      ),
    },
  ];

  const runColumns: TableColumnsType<JobRun> = [
    { title: '编号', dataIndex: 'id', width: 80 },
    { title: '任务', dataIndex: 'name', width: 180, render: (n: string) => titles.get(n) ?? n },
    {
      title: '状态',
      dataIndex: 'status',
      width: 100,
      render: (s: Status) => (
        <Tag color={statusTag[s].color} icon={s === 'running' ? <SyncOutlined spin /> : undefined}>
          {statusTag[s].label}
        </Tag>
      ),
    },
    { title: '尝试次数', dataIndex: 'attempts', width: 90, align: 'right' },
    { title: '计划时间', dataIndex: 'runAt', width: 160, render: formatDateTime },
    { title: '开始', dataIndex: 'startedAt', width: 160, render: formatDateTime },
    { title: '结束', dataIndex: 'finishedAt', width: 160, render: formatDateTime },
    {
      title: '结果 / 错误',
      key: 'outcome',
      width: 200,
      render: (_, r) =>
        r.error ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: r.error }} style={{ maxWidth: 200 }}>
            {r.error}
          </Typography.Text>
        ) : r.result != null ? (
          <Typography.Text
            ellipsis={{ tooltip: describeJobResult(r.name, r.result) }}
            style={{ maxWidth: 200 }}
            data-testid="job-result"
          >
            {describeJobResult(r.name, r.result)}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="后台任务"
        description="定时运行的系统任务；可手动立即运行，运行记录自动刷新"
      />
      <Card title="任务定义" style={{ marginBottom: 16 }}>
        {defs.isError && <QueryError error={defs.error} onRetry={() => void defs.refetch()} />}
        <Table<JobDefinition>
          rowKey="name"
          data-testid="job-definitions"
          columns={defColumns}
          dataSource={defs.data ?? []}
          loading={defs.isFetching}
          locale={emptyLocale('暂无后台任务', defs.isError)}
          scroll={{ x: 'max-content' }}
          size="middle"
          pagination={false}
        />
      </Card>
      <Card
        title="运行记录"
        extra={
          <Tooltip title={active ? `有任务在排队或运行，每${POLL_MS / 1000}秒自动刷新` : '刷新'}>
            <Button
              icon={<ReloadOutlined spin={active} />}
              aria-label="刷新"
              onClick={() => void runs.refetch()}
            />
          </Tooltip>
        }
      >
        {runs.isError && <QueryError error={runs.error} onRetry={() => void runs.refetch()} />}
        <Table<JobRun>
          rowKey="id"
          data-testid="job-runs"
          columns={runColumns}
          dataSource={runs.data?.items ?? []}
          loading={runs.isLoading}
          locale={emptyLocale('暂无运行记录', runs.isError)}
          scroll={{ x: 'max-content' }}
          size="middle"
          pagination={{
            current: page.page,
            pageSize: page.pageSize,
            total: runs.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (t) => `共 ${t} 次运行`,
            onChange: (p, pageSize) => setPage({ page: p, pageSize }),
          }}
        />
      </Card>
    </>
  );
}
