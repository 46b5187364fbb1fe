import type { ReactNode } from 'react';
import { Card, Flex, Grid, Pagination, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { Link, useNavigate } from 'react-router';
import { ticketSourceLabels, type Ticket } from '@xiangmu/contracts';
import { isOpenStatus } from './model';
import { DueCell, DueTag, formatDue, TicketStatusTag } from './tags';

export interface ListPagination {
  current: number;
  pageSize: number;
  total: number;
  onChange: (page: number) => void;
}

/** One ticket on a phone: number, what, where, who handles it and by when. */
export function TicketCard({ ticket: t }: { ticket: Ticket }) {
  const navigate = useNavigate();
  const color = t.overdue
    ? '#cf1322'
    : !isOpenStatus(t.status)
      ? '#389e0d'
      : t.dueSoon
        ? '#fa8c16'
        : '#1677ff';
  return (
    <Card
      size="small"
      hoverable
      onClick={() => void navigate(`/tickets/${t.id}`)}
      style={{ borderInlineStart: `4px solid ${color}` }}
      data-testid="ticket-card"
      data-number={t.number}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong style={{ fontSize: 15, minWidth: 0, wordBreak: 'break-all' }}>
          {t.title}
        </Typography.Text>
        <TicketStatusTag ticket={t} />
      </Flex>
      <Flex gap={6} wrap style={{ marginTop: 4, fontSize: 13 }}>
        <Typography.Text type="secondary">{t.number}</Typography.Text>
        <Tag style={{ marginInlineEnd: 0 }}>{ticketSourceLabels[t.source]}</Tag>
        <span>{t.categoryName}</span>
      </Flex>
      <Flex gap={6} wrap style={{ marginTop: 4, fontSize: 13 }}>
        <span>{t.regionName}</span>
        {t.departmentName && <span>· {t.departmentName}</span>}
      </Flex>
      <Flex gap={6} wrap align="center" style={{ marginTop: 4, fontSize: 13 }}>
        <Typography.Text type={t.overdue ? 'danger' : 'secondary'}>
          期限 {formatDue(t.dueAt)}
        </Typography.Text>
        <DueTag ticket={t} />
      </Flex>
    </Card>
  );
}

/** Tickets as a table (wide screens) or cards (phones); a row opens the detail. */
export function TicketList(props: {
  tickets: Ticket[];
  loading?: boolean;
  empty: ReactNode;
  pagination: ListPagination;
}) {
  const screens = Grid.useBreakpoint();
  if (!screens.md)
    return (
      <Flex vertical gap={8} data-testid="ticket-cards">
        {props.tickets.length === 0 && props.empty}
        {props.tickets.map((t) => (
          <TicketCard key={t.id} ticket={t} />
        ))}
        {props.pagination.total > props.pagination.pageSize && (
          <Pagination simple align="center" {...props.pagination} />
        )}
      </Flex>
    );

  const columns: TableColumnsType<Ticket> = [
    {
      title: '工单编号',
      dataIndex: 'number',
      width: 150,
      render: (n: string, t) => (
        <Link to={`/tickets/${t.id}`} data-testid="ticket-link">
          {n}
        </Link>
      ),
    },
    {
      title: '来源',
      dataIndex: 'source',
      width: 100,
      render: (s: Ticket['source']) => ticketSourceLabels[s],
    },
    { title: '类别', dataIndex: 'categoryName', width: 100 },
    {
      title: '标题',
      dataIndex: 'title',
      width: 240,
      render: (title: string, t) => (
        <Flex vertical>
          <Typography.Text>{title}</Typography.Text>
          {t.enterpriseName && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t.enterpriseName}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: '区域', dataIndex: 'regionName', width: 150 },
    {
      title: '承办单位',
      dataIndex: 'departmentName',
      width: 140,
      render: (d: string | null) => d ?? <Typography.Text type="secondary">未派遣</Typography.Text>,
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 90,
      render: (_, t) => <TicketStatusTag ticket={t} />,
    },
    { title: '办理期限', key: 'due', width: 190, render: (_, t) => <DueCell ticket={t} /> },
  ];

  return (
    <Table<Ticket>
      rowKey="id"
      size="small"
      data-testid="ticket-table"
      columns={columns}
      dataSource={props.tickets}
      loading={props.loading}
      locale={{ emptyText: props.empty }}
      scroll={{ x: 'max-content' }}
      onRow={(t) =>
        ({
          'data-number': t.number,
          'data-status': t.status,
        }) as React.HTMLAttributes<HTMLElement>
      }
      pagination={{
        ...props.pagination,
        showSizeChanger: false,
        hideOnSinglePage: true,
        showTotal: (n) => `共 ${n} 张工单`,
      }}
    />
  );
}
