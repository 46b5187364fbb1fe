import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Empty,
  Flex,
  Grid,
  Input,
  Pagination,
  Segmented,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, UserOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import { patchParams } from '../../lib/search-params';
import dayjs from 'dayjs';
import {
  milestoneStatusLabels,
  milestoneStatuses,
  type Milestone,
  type MilestoneStatus,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { milestonesApi, type MilestoneListParams } from './api';
import { CompleteModal } from './DoneModals';
import { MilestoneCard } from './MilestoneCard';
import {
  byAttention,
  canCompleteMilestone,
  dueHint,
  milestoneKeys,
  statusColors,
  statusOrder,
} from './model';
import { DATE } from '../../lib/format';
import { MilestoneStatusTag } from './tags';

type Scope = 'mine' | 'all';
const isStatus = (v: string | null): v is MilestoneStatus =>
  v !== null && (milestoneStatuses as readonly string[]).includes(v);

/**
 * 我的节点: the nodes whose 责任人 is the signed-in user (包保领导 above all),
 * what is overdue or due soon first, each with a link to its project and
 * 完成 where he may. The admins can also look at every node of their region.
 */
export default function MyMilestonesPage() {
  const me = useMe();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [params, setParams] = useSearchParams();
  const ownerRole = me.role === 'leader' || me.role === 'unit_officer';
  const scope: Scope =
    params.get('scope') === 'all' || params.get('scope') === 'mine'
      ? (params.get('scope') as Scope)
      : ownerRole
        ? 'mine'
        : 'all';
  const rawStatus = params.get('status');
  const status = isStatus(rawStatus) ? rawStatus : undefined;
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = 50;
  const [completing, setCompleting] = useState<Milestone | null>(null);
  const [session, setSession] = useState(0);
  const today = dayjs().format(DATE);

  const query: MilestoneListParams = {
    page,
    pageSize,
    ...(scope === 'mine' ? { mine: 'true' } : {}),
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
  };
  const list = useQuery({
    queryKey: milestoneKeys.list(me.activeRegionCode, query),
    queryFn: () => milestonesApi.list(query),
    placeholderData: keepPreviousData,
  });

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => patchParams(prev, patch));

  const data = list.data;
  const items = [...(data?.items ?? [])].sort(byAttention);
  const counts = data?.counts;
  const total = counts ? statusOrder.reduce((n, s) => n + (counts[s] ?? 0), 0) : undefined;
  const complete = (m: Milestone) =>
    canCompleteMilestone(me, m) && m.status !== 'done' ? (
      <Button
        size="small"
        type="primary"
        icon={<CheckOutlined />}
        onClick={() => {
          setSession((n) => n + 1);
          setCompleting(m);
        }}
        data-testid="milestone-complete"
      >
        完成
      </Button>
    ) : null;

  const columns: TableColumnsType<Milestone> = [
    {
      title: '状态',
      key: 'status',
      width: 96,
      render: (_, m) => <MilestoneStatusTag status={m.status} />,
    },
    {
      title: '节点',
      key: 'name',
      width: 220,
      render: (_, m) => (
        <Flex vertical>
          <Typography.Text strong>{m.name}</Typography.Text>
          <Link to={`/projects/${m.projectId}`} data-testid="milestone-project-link">
            {m.projectName}
          </Link>
        </Flex>
      ),
    },
    { title: '所属区域', dataIndex: 'regionName', width: 150 },
    {
      title: '截止日期',
      key: 'dueOn',
      width: 140,
      render: (_, m) => (
        <Flex vertical>
          <span>{m.dueOn}</span>
          <Typography.Text
            type={m.status === 'red' ? 'danger' : 'secondary'}
            style={{ fontSize: 12 }}
          >
            {dueHint(m, today)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: '责任人',
      key: 'owner',
      width: 140,
      render: (_, m) => (
        <span>
          <UserOutlined /> {m.ownerName}
        </span>
      ),
    },
    {
      title: '完成依据',
      key: 'evidence',
      width: 240,
      render: (_, m) =>
        m.evidence ? (
          <Typography.Paragraph
            style={{ margin: 0, maxWidth: 240 }}
            ellipsis={{ rows: 2, tooltip: m.evidence }}
          >
            {m.evidence}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    { title: '操作', key: 'actions', width: 90, render: (_, m) => complete(m) },
  ];

  const statusOptions = [
    {
      value: 'all',
      label: <span data-testid="filter-all">全部{total !== undefined ? ` ${total}` : ''}</span>,
    },
    ...statusOrder.map((s) => ({
      value: s,
      label: (
        <span data-testid={`filter-${s}`} style={{ whiteSpace: 'nowrap' }}>
          <span
            aria-hidden
            style={{
              display: 'inline-block',
              width: 8,
              height: 8,
              borderRadius: '50%',
              background: statusColors[s],
              marginInlineEnd: 4,
            }}
          />
          {milestoneStatusLabels[s]}
          {counts ? ` ${counts[s] ?? 0}` : ''}
        </span>
      ),
    })),
  ];

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid="my-milestones-empty"
      description={
        list.isError
          ? '数据加载失败'
          : status || q
            ? '没有符合条件的节点'
            : scope === 'mine'
              ? '您还没有负责的节点'
              : '本区域还没有节点'
      }
    />
  );

  return (
    <>
      <PageHeader
        title="我的节点"
        description={
          scope === 'mine'
            ? '您作为责任人的节点：逾期、临期的排在前面，按期完成后请及时销号'
            : `${me.activeRegionName}及下级区域的全部节点`
        }
      />
      <Card>
        <Flex vertical gap={12} style={{ marginBottom: 12 }}>
          <Flex gap={8} wrap align="center">
            <Segmented<Scope>
              value={scope}
              onChange={(v) => set({ scope: v })}
              options={[
                { value: 'mine', label: '我负责的' },
                { value: 'all', label: '全部节点' },
              ]}
              data-testid="scope-switch"
            />
            <Input.Search
              allowClear
              placeholder="搜索项目或节点名称"
              defaultValue={q}
              key={q}
              onSearch={(v) => set({ q: v.trim() || undefined })}
              style={{ width: phone ? '100%' : 260 }}
              data-testid="milestone-search"
            />
          </Flex>
          {phone ? (
            <Flex gap={6} wrap data-testid="status-filter">
              {statusOptions.map((o) => (
                <Tag.CheckableTag
                  key={o.value}
                  checked={(status ?? 'all') === o.value}
                  onChange={() => set({ status: o.value === 'all' ? undefined : o.value })}
                  style={{ fontSize: 14, padding: '4px 8px', marginInlineEnd: 0 }}
                >
                  {o.label}
                </Tag.CheckableTag>
              ))}
            </Flex>
          ) : (
            <Segmented
              value={status ?? 'all'}
              onChange={(v) => set({ status: v === 'all' ? undefined : String(v) })}
              options={statusOptions}
              style={{ alignSelf: 'flex-start' }}
              data-testid="status-filter"
            />
          )}
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        {phone ? (
          <Flex vertical gap={8} data-testid="my-milestones-cards">
            {data && items.length === 0 && empty}
            {items.map((m) => (
              <MilestoneCard key={m.id} milestone={m} showProject actions={complete(m)} />
            ))}
            {!!data && data.total > pageSize && (
              <Pagination
                simple
                align="center"
                current={page}
                pageSize={pageSize}
                total={data.total}
                onChange={(p) => set({ page: String(p) })}
              />
            )}
          </Flex>
        ) : (
          <Table<Milestone>
            rowKey="id"
            size="middle"
            data-testid="my-milestones-table"
            columns={columns}
            dataSource={items}
            loading={list.isFetching}
            locale={{ emptyText: empty }}
            scroll={{ x: 'max-content' }}
            onRow={(m) => ({ 'data-status': m.status }) as React.HTMLAttributes<HTMLElement>}
            pagination={{
              current: page,
              pageSize,
              total: data?.total ?? 0,
              showSizeChanger: false,
              hideOnSinglePage: true,
              showTotal: (n) => `共 ${n} 个节点`,
              onChange: (p) => set({ page: String(p) }),
            }}
          />
        )}
      </Card>
      {completing && (
        <CompleteModal
          key={session}
          milestone={completing}
          onClose={() => setCompleting(null)}
          onChanged={() => void qc.invalidateQueries({ queryKey: milestoneKeys.all })}
        />
      )}
    </>
  );
}
