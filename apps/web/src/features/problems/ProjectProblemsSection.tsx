import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Segmented, Skeleton, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Project } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { problemsApi } from './api';
import { canManageProblems, problemKeys } from './model';
import { ProblemFormModal } from './ProblemFormModal';
import { ProblemList, useProblemDialogs } from './ProblemViews';

type Show = 'open' | 'all';

/**
 * 问题台账 of one project: open problems first, 提出问题 for the admins, 销号
 * for the admins and the responsible unit, 重新打开 with a reason.
 */
export function ProjectProblemsSection({ project: p }: { project: Project }) {
  const me = useMe();
  const qc = useQueryClient();
  const manage = canManageProblems(me.role);
  const [show, setShow] = useState<Show>('open');
  const [raising, setRaising] = useState(0);
  const { actions, element } = useProblemDialogs();
  const key = problemKeys.project(me.activeRegionCode, p.id, show);
  const list = useQuery({
    queryKey: key,
    queryFn: () => problemsApi.forProject(p.id, show === 'open' ? 'open' : undefined),
  });
  const items = list.data ?? [];
  const overdue = items.filter((x) => x.overdue).length;

  return (
    <Card
      title="问题台账"
      size="small"
      data-testid="problems-section"
      extra={
        <Flex gap={8} wrap justify="flex-end">
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
          {manage && (
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
      ) : !list.data ? (
        <Skeleton active />
      ) : (
        <Flex vertical gap={8}>
          {items.length > 0 && (
            <Typography.Text data-testid="problems-summary">
              {show === 'open' ? '未销号' : '共'}
              <Typography.Text strong> {items.length} </Typography.Text>个问题
              {overdue > 0 && (
                <Typography.Text type="danger">，其中逾期 {overdue} 个</Typography.Text>
              )}
            </Typography.Text>
          )}
          <ProblemList
            problems={items}
            actions={(x) => actions(x)}
            empty={
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={show === 'open' ? '没有未销号的问题' : '该项目还没有问题'}
                data-testid="problems-empty"
              />
            }
          />
        </Flex>
      )}
      {raising > 0 && (
        <ProblemFormModal
          key={raising}
          project={p}
          problem={null}
          onClose={() => setRaising(0)}
          onSaved={() => void qc.invalidateQueries({ queryKey: problemKeys.all })}
        />
      )}
      {element}
    </Card>
  );
}
