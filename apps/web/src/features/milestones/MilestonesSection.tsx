import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Grid,
  Popconfirm,
  Skeleton,
  Table,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import {
  CheckOutlined,
  DeleteOutlined,
  EditOutlined,
  LinkOutlined,
  PlusOutlined,
  RollbackOutlined,
  ScheduleOutlined,
} from '@ant-design/icons';
import dayjs from 'dayjs';
import { type Milestone, type MilestoneStatus, type Project } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { errorText, isApiError } from '../../lib/api-client';
import { milestonesApi } from './api';
import { CompleteModal, ReopenModal } from './DoneModals';
import { MilestoneCard } from './MilestoneCard';
import { MilestoneFormModal } from './MilestoneFormModal';
import {
  canCompleteMilestone,
  canManageMilestones,
  dueHint,
  milestoneKeys,
  statusOrder,
} from './model';
import { DATE } from '../../lib/format';
import { PlanModal } from './PlanModal';
import { MilestoneStatusTag } from './tags';

type Dialog =
  | { kind: 'plan' }
  | { kind: 'form'; milestone: Milestone | null }
  | { kind: 'complete'; milestone: Milestone }
  | { kind: 'reopen'; milestone: Milestone };

/** "逾期1 · 临期2 · 正常3 · 已完成4" */
export function StatusCounts({ counts }: { counts: Partial<Record<MilestoneStatus, number>> }) {
  return (
    <Flex gap={10} wrap data-testid="milestone-counts">
      {statusOrder.map((s) => (
        <span key={s} data-status={s} style={{ whiteSpace: 'nowrap' }}>
          <MilestoneStatusTag status={s} />{' '}
          <Typography.Text strong data-testid={`count-${s}`}>
            {counts[s] ?? 0}
          </Typography.Text>
        </span>
      ))}
    </Flex>
  );
}

/**
 * 节点计划 of one project (目标化、节点化、责任化): the nodes with their owners
 * and due dates, 倒排工期 from a template, and 完成 with evidence.
 */
export function MilestonesSection({ project: p }: { project: Project }) {
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const manage = canManageMilestones(me.role);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  /** a fresh dialog each time one opens */
  const [session, setSession] = useState(0);
  const key = milestoneKeys.project(me.activeRegionCode, p.id);
  const nodes = useQuery({ queryKey: key, queryFn: () => milestonesApi.forProject(p.id) });
  const today = dayjs().format(DATE);

  const open = (d: Dialog) => {
    setSession((n) => n + 1);
    setDialog(d);
  };
  const close = () => setDialog(null);
  /** one node changed: in place at once, every other milestone list reloaded */
  const changed = (m: Milestone) => {
    qc.setQueryData<Milestone[]>(key, (old) => old?.map((x) => (x.id === m.id ? m : x)));
    void qc.invalidateQueries({ queryKey: milestoneKeys.all });
  };
  const reloadAll = () => void qc.invalidateQueries({ queryKey: milestoneKeys.all });

  async function remove(m: Milestone) {
    try {
      await milestonesApi.remove(m.id, m.version);
      message.success(`已删除节点“${m.name}”`);
    } catch (e) {
      message.error(
        isApiError(e, 'VERSION_CONFLICT')
          ? '节点刚被他人修改，已刷新，请核对后再删除'
          : errorText(e),
      );
    }
    reloadAll();
  }

  const list = nodes.data ?? [];
  const counts: Partial<Record<MilestoneStatus, number>> = {};
  for (const m of list) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const openCount = list.filter((m) => m.status !== 'done').length;

  const actions = (m: Milestone) => {
    const complete = canCompleteMilestone(me, m);
    const done = m.status === 'done';
    return (
      <>
        {complete && !done && (
          <Button
            size="small"
            type="primary"
            ghost
            icon={<CheckOutlined />}
            onClick={() => open({ kind: 'complete', milestone: m })}
            data-testid="milestone-complete"
          >
            完成
          </Button>
        )}
        {complete && done && (
          <Button
            size="small"
            icon={<RollbackOutlined />}
            onClick={() => open({ kind: 'reopen', milestone: m })}
            data-testid="milestone-reopen"
          >
            重新打开
          </Button>
        )}
        {manage && !done && (
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => open({ kind: 'form', milestone: m })}
            data-testid="milestone-edit"
          >
            编辑
          </Button>
        )}
        {manage && (
          <Popconfirm
            title={`删除节点“${m.name}”？`}
            description={done ? '该节点已完成，删除后其完成记录一并删除' : undefined}
            okText="删除"
            okButtonProps={{ danger: true }}
            onConfirm={() => remove(m)}
          >
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label="删除"
              data-testid="milestone-delete"
            />
          </Popconfirm>
        )}
      </>
    );
  };

  const columns: TableColumnsType<Milestone> = [
    { title: '序号', dataIndex: 'seq', width: 60, align: 'center' },
    {
      title: '节点',
      dataIndex: 'name',
      width: 200,
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: '责任人',
      key: 'owner',
      width: 150,
      render: (_, m) => (
        <span>
          {m.ownerName}
          {m.ownerUserId !== null && (
            <Tooltip title="已关联系统账号">
              <LinkOutlined style={{ marginInlineStart: 4, color: '#1554ad' }} />
            </Tooltip>
          )}
        </span>
      ),
    },
    {
      title: '截止日期',
      key: 'dueOn',
      width: 150,
      render: (_, m) => (
        <Flex vertical>
          <span data-testid="milestone-due">{m.dueOn}</span>
          <Typography.Text
            type={m.status === 'red' ? 'danger' : 'secondary'}
            style={{ fontSize: 12 }}
          >
            {m.status === 'done'
              ? m.targetOn
                ? `倒排（目标 ${m.targetOn}）`
                : '手动设定'
              : dueHint(m, today)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: '状态',
      key: 'status',
      width: 100,
      render: (_, m) => (
        <Tooltip title={m.targetOn ? `倒排自目标日期 ${m.targetOn}` : '手动设定的截止日期'}>
          <span>
            <MilestoneStatusTag status={m.status} />
          </span>
        </Tooltip>
      ),
    },
    {
      title: '完成情况',
      key: 'done',
      width: 260,
      render: (_, m) =>
        m.doneOn ? (
          <Flex vertical>
            <span>{m.doneOn} 完成</span>
            {m.evidence && (
              <Typography.Paragraph
                type="secondary"
                style={{ margin: 0, fontSize: 12, maxWidth: 260 }}
                ellipsis={{ rows: 2, tooltip: m.evidence }}
              >
                依据：{m.evidence}
              </Typography.Paragraph>
            )}
          </Flex>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(manage || list.some((m) => canCompleteMilestone(me, m))
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 220,
            render: (_: unknown, m: Milestone) => (
              <Flex gap={6} wrap>
                {actions(m)}
              </Flex>
            ),
          },
        ]
      : []),
  ];

  const planButton = (primary: boolean) => (
    <Button
      type={primary ? 'primary' : 'default'}
      size={primary ? 'middle' : 'small'}
      icon={<ScheduleOutlined />}
      onClick={() => open({ kind: 'plan' })}
      data-testid="milestone-plan"
    >
      倒排工期
    </Button>
  );

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        manage ? '还没有节点计划。选择节点模板并设定目标日期，一键倒排工期' : '该项目还没有节点计划'
      }
      data-testid="milestones-empty"
    >
      {manage && planButton(true)}
    </Empty>
  );

  return (
    <Card
      title="节点计划"
      size="small"
      data-testid="milestones-section"
      extra={
        manage &&
        list.length > 0 && (
          <Flex gap={8} wrap justify="flex-end">
            {planButton(false)}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => open({ kind: 'form', milestone: null })}
              data-testid="milestone-add"
            >
              新增节点
            </Button>
          </Flex>
        )
      }
    >
      {nodes.isError ? (
        <QueryError error={nodes.error} onRetry={() => void nodes.refetch()} />
      ) : !nodes.data ? (
        <Skeleton active />
      ) : list.length === 0 ? (
        empty
      ) : (
        <Flex vertical gap={12}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text data-testid="milestones-summary">
              共<Typography.Text strong>{list.length}</Typography.Text>个节点
              {openCount > 0 ? `，${openCount}个未完成` : '，已全部完成'}
            </Typography.Text>
            <StatusCounts counts={counts} />
          </Flex>
          {phone ? (
            <Flex vertical gap={8} data-testid="milestones-cards">
              {list.map((m) => (
                <MilestoneCard key={m.id} milestone={m} actions={actions(m)} />
              ))}
            </Flex>
          ) : (
            <Table<Milestone>
              rowKey="id"
              size="small"
              data-testid="milestones-table"
              columns={columns}
              dataSource={list}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(m) => ({ 'data-status': m.status }) as React.HTMLAttributes<HTMLElement>}
            />
          )}
        </Flex>
      )}

      {dialog?.kind === 'plan' && (
        <PlanModal
          key={session}
          open
          project={p}
          openCount={openCount}
          onClose={close}
          onPlanned={(all) => {
            message.success(`已倒排生成${all.filter((m) => m.status !== 'done').length}个节点`);
            close();
            reloadAll();
          }}
        />
      )}
      {dialog?.kind === 'form' && (
        <MilestoneFormModal
          key={session}
          open
          project={p}
          milestone={dialog.milestone}
          onClose={close}
          onSaved={() => {
            close();
            reloadAll();
          }}
        />
      )}
      {dialog?.kind === 'complete' && (
        <CompleteModal
          key={session}
          milestone={dialog.milestone}
          onClose={close}
          onChanged={changed}
        />
      )}
      {dialog?.kind === 'reopen' && (
        <ReopenModal
          key={session}
          milestone={dialog.milestone}
          onClose={close}
          onChanged={changed}
        />
      )}
    </Card>
  );
}
