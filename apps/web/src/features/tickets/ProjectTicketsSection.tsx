import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, List, Skeleton, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import type { Project } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { ticketsApi } from './api';
import { intakeSources, ticketKeys } from './model';
import { DueTag, formatDue, TicketStatusTag } from './tags';

/**
 * 项目工单 on a project's page: the tickets raised on it (项目问题 run the
 * closed loop: dispatch, reply, rating), the newest first, with a link to
 * all of them in the ledger and 登记项目问题 for those who may register one.
 */
export function ProjectTicketsSection({ project: p }: { project: Project }) {
  const me = useMe();
  const params = { projectId: p.id, page: 1, pageSize: 5 };
  const list = useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, params),
    queryFn: () => ticketsApi.list(params),
  });
  const canRegister = intakeSources(me.role).includes('project');
  const newUrl = `/tickets/new?project=${p.id}&projectName=${encodeURIComponent(p.name)}`;
  const counts = list.data?.counts;
  return (
    <Card
      title="项目工单"
      size="small"
      data-testid="project-tickets"
      extra={
        <Flex gap={8} wrap justify="flex-end">
          {list.data && list.data.total > 0 && (
            <Link to={`/tickets?project=${p.id}`}>全部{list.data.total}张</Link>
          )}
          {canRegister && (
            <Link to={newUrl}>
              <Button size="small" icon={<PlusOutlined />} data-testid="project-ticket-new">
                登记项目问题
              </Button>
            </Link>
          )}
        </Flex>
      }
    >
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && <Skeleton active paragraph={{ rows: 2 }} />}
      {list.data && list.data.total === 0 && (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description="该项目没有工单。需要派单办理、限期反馈的问题可登记为项目问题工单。"
        />
      )}
      {counts && list.data && list.data.total > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
          未办结 {counts.open} 张，已办结 {counts.closed} 张
          {counts.overdue > 0 && `，超期 ${counts.overdue} 张`}
        </Typography.Paragraph>
      )}
      {list.data && list.data.total > 0 && (
        <List
          size="small"
          dataSource={list.data.items}
          renderItem={(t) => (
            <List.Item data-number={t.number}>
              <Flex justify="space-between" gap={8} wrap style={{ width: '100%' }}>
                <Link to={`/tickets/${t.id}`}>{t.title}</Link>
                <Flex gap={4} wrap align="center">
                  <Typography.Text type="secondary">{t.departmentName ?? '未派遣'}</Typography.Text>
                  <Typography.Text type={t.overdue ? 'danger' : 'secondary'}>
                    {formatDue(t.dueAt)}
                  </Typography.Text>
                  <TicketStatusTag ticket={t} />
                  <DueTag ticket={t} />
                </Flex>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
