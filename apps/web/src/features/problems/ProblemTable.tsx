import { Empty, Flex, Grid, List, Table, Tag, Typography, type TableProps } from 'antd';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import {
  problemLedgerState,
  problemLedgerStateLabels,
  type ProblemLedgerState,
  type Ticket,
} from '@xiangmu/contracts';
import { DueTag, formatDue } from '../tickets';
import { dueHint } from './model';

const stateColors: Record<ProblemLedgerState, string> = {
  waiting: 'gold',
  rectifying: 'blue',
  toClose: 'purple',
  closed: 'success',
  merged: 'default',
};

export function ProblemStateTag({ ticket: t }: { ticket: Pick<Ticket, 'status'> }) {
  const s = problemLedgerState(t.status);
  return (
    <Tag color={stateColors[s]} style={{ marginInlineEnd: 0 }} data-testid="problem-status">
      {problemLedgerStateLabels[s]}
    </Tag>
  );
}

/** 整改期限 (or the category's due time), red and counted down while open */
function Deadline({ ticket: t }: { ticket: Ticket }) {
  const open = t.closedAt === null;
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Flex gap={4} wrap align="center">
      <Typography.Text type={t.overdue ? 'danger' : open ? undefined : 'secondary'}>
        {t.rectifyBy ?? formatDue(t.dueAt)}
      </Typography.Text>
      {open && t.rectifyBy && (
        <Typography.Text type={t.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {dueHint(t.rectifyBy, today)}
        </Typography.Text>
      )}
      <DueTag ticket={t} />
    </Flex>
  );
}

/**
 * The problems of the 问题台账: each a project ticket, opened on its ticket
 * page for 派遣, 反馈 with evidence and 销号. A table on a laptop, cards on a phone.
 */
export function ProblemTable(props: {
  problems: Ticket[];
  showProject?: boolean;
  loading?: boolean;
  empty: React.ReactNode;
  pagination?: TableProps<Ticket>['pagination'];
}) {
  const screens = Grid.useBreakpoint();
  const title = (t: Ticket) => (
    <Link to={`/tickets/${t.id}`} data-testid="problem-detail">
      {t.title}
    </Link>
  );
  if (!screens.md)
    return (
      <List
        loading={props.loading}
        dataSource={props.problems}
        locale={{ emptyText: props.empty }}
        renderItem={(t) => (
          <List.Item data-number={t.number} data-testid="problem-card">
            <Flex vertical gap={4} style={{ width: '100%' }}>
              <Flex justify="space-between" gap={8}>
                {title(t)}
                <ProblemStateTag ticket={t} />
              </Flex>
              {props.showProject && t.projectName && (
                <Typography.Text type="secondary">{t.projectName}</Typography.Text>
              )}
              <Typography.Text type="secondary">
                责任单位：{t.departmentName ?? '待派遣'}
              </Typography.Text>
              <Deadline ticket={t} />
              {t.reply && <Typography.Text>整改情况：{t.reply}</Typography.Text>}
            </Flex>
          </List.Item>
        )}
      />
    );
  const columns: TableProps<Ticket>['columns'] = [
    { key: 'title', title: '问题', render: (_, t) => title(t), width: 240 },
    ...(props.showProject
      ? [
          {
            key: 'project',
            title: '项目',
            width: 200,
            render: (_: unknown, t: Ticket) =>
              t.projectId ? <Link to={`/projects/${t.projectId}`}>{t.projectName}</Link> : '—',
          },
        ]
      : []),
    {
      key: 'unit',
      title: '责任单位',
      width: 150,
      render: (_, t) =>
        t.departmentName ?? <Typography.Text type="secondary">待派遣</Typography.Text>,
    },
    { key: 'due', title: '整改期限', width: 170, render: (_, t) => <Deadline ticket={t} /> },
    { key: 'state', title: '状态', width: 90, render: (_, t) => <ProblemStateTag ticket={t} /> },
    {
      key: 'reply',
      title: '整改情况 / 销号依据',
      render: (_, t) =>
        t.reply ? (
          <Typography.Paragraph ellipsis={{ rows: 2, tooltip: t.reply }} style={{ margin: 0 }}>
            {t.reply}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      key: 'report',
      title: '来自调度',
      width: 100,
      render: (_, t) =>
        t.reportMonth ? (
          `${Number(t.reportMonth.slice(5))}月调度`
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];
  return (
    <Table<Ticket>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={props.problems}
      loading={props.loading}
      locale={{ emptyText: props.empty ?? <Empty /> }}
      pagination={props.pagination ?? false}
      scroll={{ x: 900 }}
      onRow={(t) => ({ 'data-number': t.number }) as React.HTMLAttributes<HTMLElement>}
    />
  );
}
