import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Segmented, Skeleton, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import type { Project } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { intakeSources, ticketKeys } from '../tickets';
import { problemsApi } from './api';
import { ProblemRaiseModal } from './ProblemRaiseModal';
import { ProblemTable } from './ProblemTable';

type Show = 'open' | 'all';

/**
 * 问题台账 of one project — its one list of problems (project tickets, ADR
 * 0015): open ones first, 提出问题 for those who may register one; each opens
 * on its ticket page for 派遣, 反馈 with evidence and 销号.
 */
export function ProjectProblemsSection({ project: p }: { project: Project }) {
  const me = useMe();
  const qc = useQueryClient();
  const [show, setShow] = useState<Show>('open');
  const [raising, setRaising] = useState(0);
  const params = {
    projectId: p.id,
    page: 1,
    pageSize: 100,
    ...(show === 'open' ? { status: 'open' } : {}),
  };
  const list = useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, { ...params, source: 'project' }),
    queryFn: () => problemsApi.list(params),
  });
  const canRaise = intakeSources(me.role).includes('project');
  const data = list.data;

  return (
    <Card
      title="问题台账"
      size="small"
      data-testid="problems-section"
      extra={
        <Flex gap={8} wrap justify="flex-end" align="center">
          <Segmented<Show>
            size="small"
            value={show}
            onChange={setShow}
            options={[
              { value: 'open', label: '未销号' },
              { value: 'all', label: '全部' },
            ]}
            data-testid="problems-show"
          />
          {canRaise && (
            <Button
              size="small"
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setRaising((n) => n + 1)}
              data-testid="problem-raise"
            >
              提出问题
            </Button>
          )}
        </Flex>
      }
    >
      {list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <Flex vertical gap={8}>
          {data.total > 0 && (
            <Typography.Text data-testid="problems-summary">
              未销号 <Typography.Text strong>{data.counts.open}</Typography.Text> 个，已销号{' '}
              {data.counts.closed} 个
              {data.counts.overdue > 0 && (
                <Typography.Text type="danger">，超期 {data.counts.overdue} 个</Typography.Text>
              )}{' '}
              · <Link to={`/problems?project=${p.id}&status=any`}>在问题台账中查看</Link>
            </Typography.Text>
          )}
          <ProblemTable
            problems={data.items}
            empty={
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  show === 'open'
                    ? '没有未销号的问题'
                    : '该项目还没有问题。需要责任单位限期整改的，请“提出问题”'
                }
                data-testid="problems-empty"
              />
            }
          />
        </Flex>
      )}
      {raising > 0 && (
        <ProblemRaiseModal
          key={raising}
          project={p}
          onClose={() => setRaising(0)}
          onSaved={() => void qc.invalidateQueries({ queryKey: ticketKeys.all })}
        />
      )}
    </Card>
  );
}
