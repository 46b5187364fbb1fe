import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Grid,
  Result,
  Skeleton,
  Steps,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, EditOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  formatYi,
  projectStageLabels,
  projectStages,
  type Project,
  type StageEvent,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { api, isApiError } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { canManageProjects, stageIndex, stageMove } from './model';
import { ProjectFormDrawer } from './ProjectFormDrawer';
import type { FromList } from './ProjectsPage';
import { StageChangeModal } from './StageChangeModal';
import { LevelTag, StageTag } from './tags';
import { MILESTONE_READERS, MilestonesSection } from '../milestones';
import { ProjectReportsSection, REPORT_READERS } from '../reports';
import { PROBLEM_READERS, ProjectProblemsSection } from '../problems';

const dash = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === '' ? '—' : v;

function StageTimeline({ events }: { events: StageEvent[] }) {
  if (!events.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无阶段记录" />;
  return (
    <Timeline
      items={[...events].reverse().map((e) => {
        const move = e.fromStage ? stageMove(e.fromStage, e.toStage) : null;
        return {
          key: e.id,
          className: 'stage-event',
          color: move === 'back' ? 'red' : move === 'forward' ? 'blue' : 'gray',
          content: (
            <Flex vertical gap={2}>
              <Flex gap={8} align="center" wrap>
                <Typography.Text strong>
                  {e.fromStage
                    ? `${projectStageLabels[e.fromStage]} → ${projectStageLabels[e.toStage]}`
                    : `项目入库（${projectStageLabels[e.toStage]}）`}
                </Typography.Text>
                {move === 'back' && (
                  <Tag color="red" style={{ marginInlineEnd: 0 }}>
                    回退
                  </Tag>
                )}
                <Typography.Text type="secondary">{e.occurredOn}</Typography.Text>
              </Flex>
              <Typography.Text>
                <Typography.Text type="secondary">依据：</Typography.Text>
                {e.evidence}
              </Typography.Text>
              {e.reason && (
                <Typography.Text>
                  <Typography.Text type="secondary">原因：</Typography.Text>
                  {e.reason}
                </Typography.Text>
              )}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {e.actorName} 于 {formatDateTime(e.createdAt)} 录入
              </Typography.Text>
            </Flex>
          ),
        };
      })}
    />
  );
}

function ProjectFacts({ p }: { p: Project }) {
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2, xl: 3 }}
      styles={{ label: { width: 130, whiteSpace: 'nowrap' } }}
      items={[
        { key: 'name', label: '项目名称', children: p.name, span: { xs: 1, md: 2, xl: 3 } },
        { key: 'owner', label: '建设单位', children: p.ownerName },
        {
          key: 'credit',
          label: '统一社会信用代码',
          children: p.ownerCreditCode ?? (
            <Tag color="warning" data-testid="credit-code-missing">
              待补充
            </Tag>
          ),
        },
        { key: 'region', label: '所属区域', children: p.regionName },
        { key: 'stage', label: '项目阶段', children: <StageTag stage={p.stage} /> },
        { key: 'level', label: '项目级别', children: <LevelTag level={p.level} /> },
        { key: 'cluster', label: '产业集群', children: p.industryCluster },
        { key: 'code', label: '国民经济行业代码', children: dash(p.industryCode) },
        {
          key: 'total',
          label: '总投资',
          children: <span data-testid="fact-total">{formatYi(p.totalInvestment, 6)}</span>,
        },
        {
          key: 'plan',
          label: '年度计划投资',
          children: `${formatYi(p.annualPlan, 6)}（${p.planYear}年）`,
        },
        { key: 'ps', label: '计划开工日期', children: dash(p.plannedStart) },
        { key: 'pe', label: '计划竣工日期', children: dash(p.plannedEnd) },
        { key: 'as', label: '实际开工日期', children: dash(p.actualStart) },
        { key: 'ae', label: '实际竣工日期', children: dash(p.actualEnd) },
        { key: 'leader', label: '包保领导', children: dash(p.leaderName) },
        { key: 'dept', label: '责任单位', children: dash(p.departmentName) },
        {
          key: 'contact',
          label: '联系人',
          children:
            p.contactName || p.contactPhone
              ? [p.contactName, p.contactPhone].filter(Boolean).join('  ')
              : '—',
        },
        {
          key: 'pos',
          label: '经纬度',
          children: p.lng !== null && p.lat !== null ? `东经 ${p.lng}，北纬 ${p.lat}` : '—',
        },
        {
          key: 'tags',
          label: '标签',
          children: p.tags.length ? (
            <Flex gap={4} wrap>
              {p.tags.map((t) => (
                <Tag key={t} style={{ marginInlineEnd: 0 }}>
                  {t}
                </Tag>
              ))}
            </Flex>
          ) : (
            '—'
          ),
        },
        {
          key: 'content',
          label: '建设内容及规模',
          span: { xs: 1, md: 2, xl: 3 },
          children: <span style={{ whiteSpace: 'pre-wrap' }}>{p.content || '—'}</span>,
        },
        { key: 'updated', label: '最近更新', children: formatDateTime(p.updatedAt) },
      ]}
    />
  );
}

export default function ProjectDetailPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const { id: rawId } = useParams();
  const id = Number(rawId);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useSearchParams();
  const editing = params.get('edit') === '1';
  const [changingStage, setChangingStage] = useState(false);
  const manage = canManageProjects(me.role);
  const fromList = (location.state as FromList | null)?.fromList ?? '';

  const detailKey = ['projects', me.activeRegionCode, 'detail', id] as const;
  const stagesKey = ['projects', me.activeRegionCode, 'stages', id] as const;
  const project = useQuery({
    queryKey: detailKey,
    queryFn: () => api.projects.get(id),
    enabled: valid,
  });
  const stages = useQuery({
    queryKey: stagesKey,
    queryFn: () => api.projects.stages(id),
    enabled: valid && project.isSuccess,
  });

  const setEditing = (open: boolean) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (open) next.set('edit', '1');
        else next.delete('edit');
        return next;
      },
      { replace: true, state: location.state },
    );

  /** after a save or a stage change: the detail at once, the lists and timeline reloaded */
  const refreshWith = (p: Project) => {
    qc.setQueryData(detailKey, p);
    void qc.invalidateQueries({
      queryKey: ['projects'],
      predicate: (q) => q.queryKey[2] !== 'detail' || q.queryKey[3] !== id,
    });
  };

  const back = (
    <Button
      icon={<ArrowLeftOutlined />}
      onClick={() => navigate(`/projects${fromList}`)}
      data-testid="back-to-list"
    >
      返回项目库
    </Button>
  );

  if (!valid || isApiError(project.error, 'PROJECT_NOT_FOUND'))
    return (
      <Result status="404" title="项目不存在" subTitle="该项目不存在或已被删除。" extra={back} />
    );
  if (isApiError(project.error, 'REGION_OUT_OF_SCOPE') || isApiError(project.error, 'FORBIDDEN'))
    return <Result status="403" title="无权查看" subTitle={project.error.message} extra={back} />;
  if (project.isError)
    return (
      <>
        <QueryError error={project.error} onRetry={() => void project.refetch()} />
        {back}
      </>
    );
  if (!project.data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );

  const p = project.data;
  const current = stageIndex(p.stage);
  // the date each stage was last reached (from the timeline); stages before the one the
  // project entered the library at count as done, stages jumped over (谋划 → 签约) do not
  const reached = new Map<string, string>();
  for (const e of stages.data ?? []) reached.set(e.toStage, e.occurredOn);
  const entered = stages.data?.[0] ? stageIndex(stages.data[0].toStage) : current;
  const skipped = (i: number) =>
    !!stages.data && i > entered && i < current && !reached.has(projectStages[i]!);

  return (
    <>
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
        <Flex vertical gap={6} style={{ minWidth: 0 }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="project-title">
              {p.name}
            </Typography.Title>
            <StageTag stage={p.stage} />
            <LevelTag level={p.level} />
          </Flex>
          <Typography.Text type="secondary">
            {p.regionName} · {p.industryCluster} · 总投资{formatYi(p.totalInvestment)}
          </Typography.Text>
        </Flex>
        <Flex gap={8} wrap>
          {back}
          {manage && (
            <>
              <Button
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="project-edit"
              >
                编辑
              </Button>
              <Button
                type="primary"
                icon={<NodeIndexOutlined />}
                onClick={() => setChangingStage(true)}
                data-testid="stage-change"
              >
                变更阶段
              </Button>
            </>
          )}
        </Flex>
      </Flex>

      <Flex vertical gap={16}>
        <Card title="项目进度" size="small" data-testid="stage-steps">
          <Steps
            current={current}
            size="small"
            orientation={screens.md ? 'horizontal' : 'vertical'}
            titlePlacement={screens.xl ? 'horizontal' : 'vertical'}
            items={projectStages.map((s, i) => ({
              key: s,
              title: projectStageLabels[s],
              content: skipped(i) ? '跳过' : i <= current ? reached.get(s) : undefined,
              status: i === current ? 'process' : i < current && !skipped(i) ? 'finish' : 'wait',
            }))}
            style={{ padding: '8px 0' }}
          />
        </Card>
        {MILESTONE_READERS.includes(me.role) && <MilestonesSection project={p} />}
        {REPORT_READERS.includes(me.role) && <ProjectReportsSection project={p} />}
        {PROBLEM_READERS.includes(me.role) && <ProjectProblemsSection project={p} />}
        <Card title="基本信息" size="small" data-testid="project-facts">
          <ProjectFacts p={p} />
        </Card>
        <Card title="阶段时间线" size="small">
          {stages.isError ? (
            <QueryError error={stages.error} onRetry={() => void stages.refetch()} />
          ) : stages.data ? (
            <div data-testid="stage-timeline">
              <StageTimeline events={stages.data} />
            </div>
          ) : (
            <Skeleton active />
          )}
        </Card>
      </Flex>

      {manage && (
        <>
          <ProjectFormDrawer
            open={editing}
            project={p}
            onClose={() => setEditing(false)}
            onSaved={refreshWith}
          />
          <StageChangeModal
            open={changingStage}
            project={p}
            onClose={() => setChangingStage(false)}
            onChanged={refreshWith}
            onStale={() => void qc.invalidateQueries({ queryKey: detailKey })}
          />
        </>
      )}
    </>
  );
}
