import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Col, Flex, List, Row, Skeleton, Statistic, Typography } from 'antd';
import {
  AlertOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  FileExclamationOutlined,
  FlagOutlined,
  PlusCircleOutlined,
  RightOutlined,
} from '@ant-design/icons';
import dayjs from 'dayjs';
import type { Me, ProjectImport, Role } from '@xiangmu/contracts';
import { Link, useNavigate } from 'react-router';
import { api } from '../../lib/api-client';
import { DATE } from '../../lib/format';
import { yiFixed } from '../../lib/money';
import { mayOpen, pages, useMe } from '../../session';
import { dashboardApi, dashboardKeys } from '../dashboard';
import { dueHint, MilestoneStatusTag, milestoneKeys, milestonesApi } from '../milestones';
import {
  defaultReportMonth,
  monthLabel,
  REPORT_IMPORTERS,
  reportKeys,
  reportsApi,
} from '../reports';
import { DueTag, TICKET_CREATORS, TicketStatusTag, ticketKeys, ticketsApi } from '../tickets';

/**
 * 工作台: what the signed-in user needs first, by role — an office sees its
 * region's key figures and what needs action today; a unit officer and a
 * leader their own nodes and tickets; a grid worker and an enterprise (on a
 * phone) a big button to report and their own tickets. Every figure comes
 * from the same API as the page it links to, in the active region.
 */
export function Workbench() {
  const me = useMe();
  if (me.role === 'grid_worker' || me.role === 'enterprise') return <FieldWorkbench me={me} />;
  const owner = me.role === 'unit_officer' || me.role === 'leader';
  return (
    <Row gutter={[16, 16]} data-testid="workbench" data-kind={owner ? 'owner' : 'office'}>
      <Col span={24}>
        <KeyFigures me={me} />
      </Col>
      <Col xs={24} lg={owner ? 12 : 24}>
        <TodoCard me={me} owner={owner} />
      </Col>
      {owner && (
        <Col xs={24} lg={12}>
          <MyMilestones me={me} />
        </Col>
      )}
    </Row>
  );
}

/* ---------- figures and to-dos of an office (and of owners, theirs) ---------- */

function KeyFigures({ me }: { me: Me }) {
  const year = dayjs().year();
  const dashboard = useQuery({
    queryKey: dashboardKeys.view(me.activeRegionCode, undefined, year),
    queryFn: () => dashboardApi.get({ year }),
  });
  const tickets = useTicketCounts(me);
  const d = dashboard.data;
  const figure = (
    key: string,
    title: string,
    value: ReactNode,
    to: string,
    suffix?: string,
    loading = dashboard.isPending,
  ) => (
    <Col xs={12} md={6} key={key}>
      <Link to={to} data-testid={`figure-${key}`}>
        <Card size="small" hoverable>
          <Statistic title={title} value={loading ? '…' : (value as string)} suffix={suffix} />
        </Card>
      </Link>
    </Col>
  );
  if (d && d.library.projects === 0 && !dashboard.isPending)
    return (
      <Card data-testid="workbench-no-projects">
        <Typography.Paragraph style={{ marginBottom: 8 }}>
          {me.activeRegionName}的项目库还没有项目。
        </Typography.Paragraph>
        <Flex gap={12} wrap>
          {REPORT_IMPORTERS.includes(me.role) && (
            <Link to={`${pages.projects.path}/import`}>
              <Button type="primary" icon={<CloudUploadOutlined />}>
                导入项目台账（Excel）
              </Button>
            </Link>
          )}
          <Link to={pages.projects.path}>
            <Button>进入项目库</Button>
          </Link>
        </Flex>
      </Card>
    );
  return (
    <Row gutter={[12, 12]} data-testid="workbench-figures">
      {figure(
        'projects',
        `${me.activeRegionName}项目`,
        d?.library.projects,
        pages.projects.path,
        '个',
      )}
      {figure(
        'investment',
        '总投资',
        d ? yiFixed(d.library.totalInvestment, 1) : undefined,
        pages.dashboard.path,
        '亿元',
      )}
      {figure(
        'invested',
        `${year}年完成投资`,
        d ? yiFixed(d.investment.invested, 1) : undefined,
        pages.reports.path,
        d?.investment.completion ? `亿元 · ${d.investment.completion}%` : '亿元',
      )}
      {figure(
        'tickets',
        '未办结工单',
        tickets.data?.counts.open,
        `${pages.tickets.path}?status=open`,
        '件',
        tickets.isPending,
      )}
    </Row>
  );
}

/** open / overdue tickets in the active region (each role sees its share) */
function useTicketCounts(me: Me) {
  const params = { page: 1, pageSize: 1 };
  return useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, { ...params, workbench: true }),
    queryFn: () => ticketsApi.list(params),
  });
}

/** 我的待办 counts for the roles that act on tickets */
function useTicketQueue(me: Me, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.queue(me.activeRegionCode, 'todo', 1),
    queryFn: () => ticketsApi.queue('todo', 1, 20),
    enabled,
  });
}

interface Todo {
  key: string;
  icon: ReactNode;
  label: string;
  count: number | undefined;
  to: string;
  /** red for what is late, orange for what is coming */
  tone: 'danger' | 'warning';
}

function TodoCard({ me, owner }: { me: Me; owner: boolean }) {
  const month = defaultReportMonth();
  const mine = owner ? { mine: 'true' } : {};
  const milestones = useQuery({
    queryKey: milestoneKeys.list(me.activeRegionCode, { page: 1, pageSize: 1, ...mine }),
    queryFn: () => milestonesApi.list({ page: 1, pageSize: 1, ...mine }),
  });
  const reportParams = { page: 1, pageSize: 1, month };
  const reports = useQuery({
    queryKey: reportKeys.list(me.activeRegionCode, reportParams),
    queryFn: () => reportsApi.list(reportParams),
    enabled: !owner,
  });
  const acts = mayOpen(pages.ticketQueue, me.role);
  const queue = useTicketQueue(me, acts);
  const tickets = useTicketCounts(me);
  const imports = usePendingImports(me);
  const milestonesPath = `${pages.myMilestones.path}?${owner ? '' : 'scope=all&'}status=`;
  const todos: Todo[] = [
    {
      key: 'red',
      icon: <AlertOutlined />,
      label: owner ? '我负责的红灯节点（已逾期）' : '红灯节点（已逾期）',
      count: milestones.data?.counts.red,
      to: `${milestonesPath}red`,
      tone: 'danger',
    },
    {
      key: 'yellow',
      icon: <FlagOutlined />,
      label: owner ? '我负责的黄灯节点（临近到期）' : '黄灯节点（临近到期）',
      count: milestones.data?.counts.yellow,
      to: `${milestonesPath}yellow`,
      tone: 'warning',
    },
    ...(!owner
      ? [
          {
            key: 'reports-missing',
            icon: <FileExclamationOutlined />,
            label: `${monthLabel(month)}月度调度逾期未报`,
            count: reports.data?.counts.missing,
            to: `${pages.reports.path}?month=${month}&status=missing`,
            tone: 'danger' as const,
          },
          {
            key: 'reports-due',
            icon: <FileExclamationOutlined />,
            label: `${monthLabel(month)}月度调度待报（未到截止日）`,
            count: reports.data?.counts.due,
            to: `${pages.reports.path}?month=${month}&status=due`,
            tone: 'warning' as const,
          },
        ]
      : []),
    {
      key: 'tickets-overdue',
      icon: <AlertOutlined />,
      label: '超期未办结工单',
      count: acts ? queue.data?.counts.overdue : tickets.data?.counts.overdue,
      to: acts ? `${pages.ticketQueue.path}?tab=overdue` : `${pages.tickets.path}?status=overdue`,
      tone: 'danger',
    },
    ...(acts
      ? [
          {
            key: 'tickets-todo',
            icon: <FlagOutlined />,
            label: '待我处理的工单',
            count: queue.data?.counts.todo,
            to: pages.ticketQueue.path,
            tone: 'warning' as const,
          },
        ]
      : []),
    ...(imports
      ? [
          {
            key: 'imports',
            icon: <CloudUploadOutlined />,
            label: '待确认的导入',
            count: imports.length,
            to: imports[0]?.to ?? `${pages.projects.path}/import`,
            tone: 'warning' as const,
          },
        ]
      : []),
  ];
  const open = todos.filter((t) => (t.count ?? 0) > 0).length;
  return (
    <Card
      title={`今日待办 · ${dayjs().format(DATE)}`}
      extra={
        open === 0 && todos.every((t) => t.count !== undefined) ? (
          <Typography.Text type="success">
            <CheckCircleOutlined /> 暂无待办
          </Typography.Text>
        ) : null
      }
      data-testid="workbench-todos"
    >
      <List
        dataSource={todos}
        renderItem={(t) => (
          <List.Item key={t.key} data-testid={`todo-${t.key}`} data-count={t.count ?? ''}>
            <Link to={t.to} style={{ display: 'block', width: '100%' }}>
              <Flex justify="space-between" align="center" gap={12} style={{ width: '100%' }}>
                <Typography.Text>
                  <span style={{ marginInlineEnd: 8 }}>{t.icon}</span>
                  {t.label}
                </Typography.Text>
                <Flex align="center" gap={8}>
                  {t.count === undefined ? (
                    <Skeleton.Button active size="small" />
                  ) : t.count > 0 ? (
                    <Badge
                      count={t.count}
                      overflowCount={9999}
                      color={t.tone === 'danger' ? 'red' : 'orange'}
                      data-testid="todo-count"
                    />
                  ) : (
                    <Typography.Text type="secondary" data-testid="todo-count">
                      0
                    </Typography.Text>
                  )}
                  <RightOutlined style={{ color: '#bbb' }} />
                </Flex>
              </Flex>
            </Link>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** imports an admin uploaded and has not applied yet (project ledgers and monthly reports) */
function usePendingImports(me: Me): Array<{ to: string; item: ProjectImport }> | undefined {
  const may = REPORT_IMPORTERS.includes(me.role);
  const projects = useQuery({
    queryKey: ['projects', me.activeRegionCode, 'imports'],
    queryFn: () => api.projects.imports.list(),
    enabled: may,
  });
  const reports = useQuery({
    queryKey: reportKeys.imports(me.activeRegionCode),
    queryFn: () => reportsApi.imports.list(),
    enabled: may,
  });
  if (!may) return undefined;
  const waiting = (i: ProjectImport) => i.status === 'mapping' || i.status === 'validated';
  return [
    ...(projects.data ?? [])
      .filter(waiting)
      .map((item) => ({ item, to: `${pages.projects.path}/import/${item.id}` })),
    ...(reports.data ?? [])
      .filter(waiting)
      .map((item) => ({ item, to: `${pages.reports.path}/import/${item.id}` })),
  ];
}

/** a unit officer's or a leader's red and yellow nodes, most urgent first */
function MyMilestones({ me }: { me: Me }) {
  const today = dayjs().format(DATE);
  const params = { page: 1, pageSize: 5, mine: 'true' };
  const list = useQuery({
    queryKey: milestoneKeys.list(me.activeRegionCode, { ...params, workbench: true }),
    queryFn: () => milestonesApi.list(params),
  });
  const items = (list.data?.items ?? []).filter((m) => m.status === 'red' || m.status === 'yellow');
  return (
    <Card
      title="我负责的节点"
      extra={<Link to={pages.myMilestones.path}>全部</Link>}
      data-testid="workbench-my-milestones"
    >
      <List
        loading={list.isPending}
        dataSource={items}
        locale={{ emptyText: '没有逾期或临近到期的节点' }}
        renderItem={(m) => (
          <List.Item key={m.id}>
            <Link to={`${pages.projects.path}/${m.projectId}`} style={{ width: '100%' }}>
              <Flex justify="space-between" gap={8} wrap>
                <span>
                  <MilestoneStatusTag status={m.status} /> {m.name}
                  <Typography.Text type="secondary"> · {m.projectName}</Typography.Text>
                </span>
                <Typography.Text type={m.status === 'red' ? 'danger' : 'warning'}>
                  {dueHint(m, today)}
                </Typography.Text>
              </Flex>
            </Link>
          </List.Item>
        )}
      />
    </Card>
  );
}

/* ---------- a grid worker or an enterprise, on a phone ---------- */

const reportButton: Partial<Record<Role, string>> = {
  grid_worker: '上报事件',
  enterprise: '提诉求',
};

function FieldWorkbench({ me }: { me: Me }) {
  const navigate = useNavigate();
  const queue = useTicketQueue(me, true);
  const mine = useQuery({
    queryKey: ticketKeys.queue(me.activeRegionCode, 'mine', 1),
    queryFn: () => ticketsApi.queue('mine', 1, 5),
  });
  const counts = queue.data?.counts;
  return (
    <Flex vertical gap={16} data-testid="workbench" data-kind="field">
      {TICKET_CREATORS.includes(me.role) && (
        <Button
          type="primary"
          size="large"
          block
          icon={<PlusCircleOutlined />}
          style={{ height: 64, fontSize: 20 }}
          onClick={() => void navigate('/tickets/new')}
          data-testid="workbench-report"
        >
          {reportButton[me.role]}
        </Button>
      )}
      <Row gutter={12}>
        {[
          { key: 'todo', title: '待我处理', value: counts?.todo, to: pages.ticketQueue.path },
          {
            key: 'overdue',
            title: '已超期',
            value: counts?.overdue,
            to: `${pages.ticketQueue.path}?tab=overdue`,
          },
        ].map((f) => (
          <Col span={12} key={f.key}>
            <Link to={f.to} data-testid={`figure-${f.key}`}>
              <Card size="small" hoverable>
                <Statistic title={f.title} value={f.value ?? '…'} suffix="件" />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
      <Card
        title={me.role === 'enterprise' ? '我提的诉求' : '我上报的事件'}
        extra={<Link to={`${pages.ticketQueue.path}?tab=mine`}>全部</Link>}
        size="small"
        data-testid="workbench-my-tickets"
      >
        <List
          loading={mine.isPending}
          dataSource={mine.data?.items ?? []}
          locale={{ emptyText: '还没有记录，点上方按钮登记第一件' }}
          renderItem={(t) => (
            <List.Item key={t.id}>
              <Link to={`${pages.tickets.path}/${t.id}`} style={{ width: '100%' }}>
                <Flex justify="space-between" gap={8} align="center">
                  <Typography.Text ellipsis style={{ maxWidth: '60%' }}>
                    {t.title}
                  </Typography.Text>
                  <Flex gap={4}>
                    <DueTag ticket={t} />
                    <TicketStatusTag ticket={t} />
                  </Flex>
                </Flex>
              </Link>
            </List.Item>
          )}
        />
      </Card>
    </Flex>
  );
}
