import { useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Grid,
  Skeleton,
  Table,
  Timeline,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, EditOutlined, EyeOutlined, RollbackOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import { problemEventLabels, type Problem } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { formatDateTime } from '../../lib/format';
import { PhotoThumbs } from '../../components/Photos';
import { monthLabel } from '../reports';
import { problemsApi } from './api';
import { canCloseProblem, canManageProblems, DATE, dueHint, problemKeys } from './model';
import { ProblemFormModal } from './ProblemFormModal';
import { CloseProblemModal, ReopenProblemModal } from './ProblemModals';
import { ProblemStatusTag } from './tags';

type Dialog =
  | { kind: 'edit'; problem: Problem }
  | { kind: 'close'; problem: Problem }
  | { kind: 'reopen'; problem: Problem }
  | { kind: 'detail'; problem: Problem };

/**
 * The dialogs a problem list opens (修改, 销号, 重新打开, 详情) and the buttons
 * that open them, as the user's role allows. Every change reloads every
 * problem list.
 */
export function useProblemDialogs() {
  const me = useMe();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<(Dialog & { session: number }) | null>(null);
  const open = (d: Dialog) => setDialog((old) => ({ ...d, session: (old?.session ?? 0) + 1 }));
  const close = () => setDialog(null);
  const changed = () => void qc.invalidateQueries({ queryKey: problemKeys.all });
  const manage = canManageProblems(me.role);

  const actions = (p: Problem, opts: { detail?: boolean } = {}): ReactNode => (
    <>
      {canCloseProblem(me, p) && (
        <Button
          size="small"
          type="primary"
          icon={<CheckOutlined />}
          onClick={() => open({ kind: 'close', problem: p })}
          data-testid="problem-close"
        >
          销号
        </Button>
      )}
      {manage && p.status === 'open' && (
        <Button
          size="small"
          icon={<EditOutlined />}
          onClick={() => open({ kind: 'edit', problem: p })}
          data-testid="problem-edit"
        >
          修改
        </Button>
      )}
      {manage && p.status === 'closed' && (
        <Button
          size="small"
          icon={<RollbackOutlined />}
          onClick={() => open({ kind: 'reopen', problem: p })}
          data-testid="problem-reopen"
        >
          重新打开
        </Button>
      )}
      {opts.detail !== false && (
        <Button
          size="small"
          type="text"
          icon={<EyeOutlined />}
          onClick={() => open({ kind: 'detail', problem: p })}
          data-testid="problem-detail"
        >
          经过
        </Button>
      )}
    </>
  );

  const element = dialog && (
    <>
      {dialog.kind === 'edit' && (
        <ProblemFormModal
          key={dialog.session}
          project={{
            id: dialog.problem.projectId,
            name: dialog.problem.projectName,
            regionCode: dialog.problem.regionCode,
          }}
          problem={dialog.problem}
          onClose={close}
          onSaved={changed}
        />
      )}
      {dialog.kind === 'close' && (
        <CloseProblemModal
          key={dialog.session}
          problem={dialog.problem}
          onClose={close}
          onChanged={changed}
        />
      )}
      {dialog.kind === 'reopen' && (
        <ReopenProblemModal
          key={dialog.session}
          problem={dialog.problem}
          onClose={close}
          onChanged={changed}
        />
      )}
      {dialog.kind === 'detail' && (
        <ProblemDetailDrawer
          key={dialog.session}
          problem={dialog.problem}
          onClose={close}
          actions={actions}
        />
      )}
    </>
  );
  return { actions, element };
}

function DueCell({ p, today }: { p: Problem; today: string }) {
  const hint = dueHint(p, today);
  return (
    <Flex vertical>
      <span>{p.dueOn}</span>
      {hint && (
        <Typography.Text type={p.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {hint}
        </Typography.Text>
      )}
    </Flex>
  );
}

function Closing({ p }: { p: Problem }) {
  if (p.status !== 'closed') return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Flex vertical gap={4}>
      <Typography.Paragraph
        style={{ margin: 0, maxWidth: 220 }}
        ellipsis={{ rows: 2, tooltip: p.evidence }}
      >
        {p.evidence}
      </Typography.Paragraph>
      {p.evidencePhoto && <PhotoThumbs photos={[p.evidencePhoto]} size={40} />}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {p.closedByName} · {p.closedAt ? dayjs(p.closedAt).format('YYYY-MM-DD') : ''}
      </Typography.Text>
    </Flex>
  );
}

/** Problems as a table (wide screens) or cards (phones). */
export function ProblemList(props: {
  problems: Problem[];
  actions: (p: Problem) => ReactNode;
  /** show the project column (lists across projects) */
  showProject?: boolean;
  loading?: boolean;
  empty: ReactNode;
  pagination?:
    | false
    | {
        current: number;
        pageSize: number;
        total: number;
        onChange: (page: number) => void;
      };
}) {
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const today = dayjs().format(DATE);

  if (phone)
    return (
      <Flex vertical gap={8} data-testid="problem-cards">
        {props.problems.length === 0 && props.empty}
        {props.problems.map((p) => (
          <ProblemCard
            key={p.id}
            problem={p}
            showProject={props.showProject}
            today={today}
            actions={props.actions(p)}
          />
        ))}
      </Flex>
    );

  const columns: TableColumnsType<Problem> = [
    {
      title: '状态',
      key: 'status',
      width: 100,
      render: (_, p) => <ProblemStatusTag problem={p} />,
    },
    {
      title: '问题',
      key: 'title',
      width: 260,
      render: (_, p) => (
        <Flex vertical>
          <Typography.Text strong>{p.title}</Typography.Text>
          {p.description && (
            <Typography.Paragraph
              type="secondary"
              style={{ margin: 0, fontSize: 12, maxWidth: 260 }}
              ellipsis={{ rows: 2, tooltip: p.description }}
            >
              {p.description}
            </Typography.Paragraph>
          )}
          {props.showProject && (
            <Link to={`/projects/${p.projectId}`} data-testid="problem-project-link">
              {p.projectName}
            </Link>
          )}
        </Flex>
      ),
    },
    ...(props.showProject ? [{ title: '所属区域', dataIndex: 'regionName', width: 120 }] : []),
    { title: '责任单位', dataIndex: 'departmentName', width: 130 },
    {
      title: '整改期限',
      key: 'due',
      width: 110,
      render: (_, p) => <DueCell p={p} today={today} />,
    },
    {
      title: '提出',
      key: 'raised',
      width: 140,
      render: (_, p) => (
        <Flex vertical>
          <span>{p.raisedByName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {dayjs(p.raisedAt).format('YYYY-MM-DD')}
            {p.reportMonth ? ` · ${monthLabel(p.reportMonth)}调度` : ''}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: '销号情况', key: 'closing', width: 220, render: (_, p) => <Closing p={p} /> },
    {
      title: '操作',
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_, p) => (
        <Flex gap={6} wrap>
          {props.actions(p)}
        </Flex>
      ),
    },
  ];

  return (
    <Table<Problem>
      rowKey="id"
      size="small"
      data-testid="problem-table"
      columns={columns}
      dataSource={props.problems}
      loading={props.loading}
      locale={{ emptyText: props.empty }}
      scroll={{ x: 'max-content' }}
      onRow={(p) =>
        ({
          'data-status': p.status === 'closed' ? 'closed' : p.overdue ? 'overdue' : 'open',
        }) as React.HTMLAttributes<HTMLElement>
      }
      pagination={
        props.pagination
          ? {
              ...props.pagination,
              showSizeChanger: false,
              hideOnSinglePage: true,
              showTotal: (n) => `共 ${n} 个问题`,
            }
          : false
      }
    />
  );
}

/** One problem on a phone: what, whose, by when, and the actions allowed. */
export function ProblemCard(props: {
  problem: Problem;
  showProject?: boolean | undefined;
  today: string;
  actions: ReactNode;
}) {
  const p = props.problem;
  const hint = dueHint(p, props.today);
  const color = p.status === 'closed' ? '#389e0d' : p.overdue ? '#cf1322' : '#1677ff';
  return (
    <Card
      size="small"
      data-testid="problem-card"
      data-status={p.status === 'closed' ? 'closed' : p.overdue ? 'overdue' : 'open'}
      style={{ borderInlineStart: `4px solid ${color}` }}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong style={{ fontSize: 15 }}>
            {p.title}
          </Typography.Text>
          {props.showProject && (
            <Link to={`/projects/${p.projectId}`} data-testid="problem-project-link">
              {p.projectName}
            </Link>
          )}
        </Flex>
        <ProblemStatusTag problem={p} />
      </Flex>
      {p.description && (
        <Typography.Paragraph
          type="secondary"
          style={{ margin: '4px 0 0', fontSize: 13 }}
          ellipsis={{ rows: 2, expandable: true, symbol: '展开' }}
        >
          {p.description}
        </Typography.Paragraph>
      )}
      <Flex gap={12} wrap style={{ marginTop: 6, fontSize: 13 }}>
        <span>{p.departmentName}</span>
        <span>
          期限 <Typography.Text strong>{p.dueOn}</Typography.Text>
        </span>
        {hint && (
          <Typography.Text type={p.overdue ? 'danger' : 'secondary'}>{hint}</Typography.Text>
        )}
      </Flex>
      {p.status === 'closed' && (
        <Flex vertical gap={4} style={{ marginTop: 6, fontSize: 13 }}>
          <Typography.Paragraph
            style={{ margin: 0 }}
            ellipsis={{ rows: 2, expandable: true, symbol: '展开' }}
          >
            <Typography.Text type="secondary">销号依据：</Typography.Text>
            {p.evidence}
          </Typography.Paragraph>
          {p.evidencePhoto && <PhotoThumbs photos={[p.evidencePhoto]} size={64} />}
        </Flex>
      )}
      <Flex gap={8} wrap justify="flex-end" style={{ marginTop: 8 }}>
        {props.actions}
      </Flex>
    </Card>
  );
}

/** 问题经过: the facts and every step (提出, 修改, 销号, 重新打开) with notes and photos. */
function ProblemDetailDrawer(props: {
  problem: Problem;
  onClose: () => void;
  actions: (p: Problem, opts?: { detail?: boolean }) => ReactNode;
}) {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const detail = useQuery({
    queryKey: problemKeys.detail(me.activeRegionCode, props.problem.id),
    queryFn: () => problemsApi.get(props.problem.id),
  });
  const p = detail.data ?? props.problem;
  return (
    <Drawer
      open
      title="问题经过"
      onClose={props.onClose}
      size={screens.md ? 520 : '100%'}
      data-testid="problem-drawer"
      extra={
        <Flex gap={6} wrap>
          {props.actions(p, { detail: false })}
        </Flex>
      }
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
        items={[
          {
            key: 'project',
            label: '项目',
            children: <Link to={`/projects/${p.projectId}`}>{p.projectName}</Link>,
          },
          { key: 'title', label: '问题', children: p.title },
          ...(p.description
            ? [
                {
                  key: 'desc',
                  label: '描述',
                  children: <span style={{ whiteSpace: 'pre-wrap' }}>{p.description}</span>,
                },
              ]
            : []),
          { key: 'dept', label: '责任单位', children: p.departmentName },
          {
            key: 'due',
            label: '整改期限',
            children: (
              <span>
                {p.dueOn} <ProblemStatusTag problem={p} />
              </span>
            ),
          },
          ...(p.reportMonth
            ? [{ key: 'report', label: '来自', children: `${monthLabel(p.reportMonth)}调度` }]
            : []),
        ]}
      />
      {detail.isError ? (
        <QueryError error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <Skeleton active />
      ) : detail.data.events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />
      ) : (
        <Timeline
          data-testid="problem-events"
          items={detail.data.events.map((e) => ({
            key: e.id,
            color:
              e.action === 'closed'
                ? 'green'
                : e.action === 'reopened'
                  ? 'red'
                  : e.action === 'raised'
                    ? 'blue'
                    : 'gray',
            content: (
              <Flex vertical gap={2}>
                <Typography.Text strong>{problemEventLabels[e.action]}</Typography.Text>
                {e.note && (
                  <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>
                    <Typography.Text type="secondary">
                      {e.action === 'closed' ? '依据：' : e.action === 'reopened' ? '原因：' : ''}
                    </Typography.Text>
                    {e.note}
                  </Typography.Text>
                )}
                {e.photo && <PhotoThumbs photos={[e.photo]} size={72} />}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {e.actorName} · {formatDateTime(e.at)}
                </Typography.Text>
              </Flex>
            ),
          }))}
        />
      )}
    </Drawer>
  );
}
