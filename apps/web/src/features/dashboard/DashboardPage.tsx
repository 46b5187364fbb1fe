import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Dropdown,
  Empty,
  Flex,
  Row,
  Select,
  Skeleton,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DesktopOutlined,
  DownloadOutlined,
  RiseOutlined,
} from '@ant-design/icons';
import { batchKindLabels, type RankingIndicator } from '@xiangmu/contracts';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMe, useRegions } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { errorText, saveBlob } from '../../lib/api-client';
import { yiFixed } from '../../lib/money';
import { dashboardApi, type Dashboard, type MapPoints, type Ranking } from './api';
import { clustersOption, mapOption, monthsOption, regionsOption, stagesOption } from './charts';
import { EChart } from './EChart';
import {
  dashboardKeys,
  indicatorOptions,
  indicatorText,
  latestMonth,
  monthParam,
  percentText,
  projectsLink,
  TARGET_SETTERS,
  thisYear,
  yearParam,
} from './model';
import { TargetsModal } from './TargetsModal';

const yearOptions = () =>
  Array.from({ length: 5 }, (_, i) => thisYear() - i).map((y) => ({ value: y, label: `${y}年` }));

/** 驾驶舱: every figure opens the projects, reports or problems behind it. */
export default function DashboardPage() {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const year = yearParam(params.get('year'));
  const latest = latestMonth(year);
  const chosen = monthParam(params.get('month'));
  const month = chosen !== undefined && chosen <= latest ? chosen : undefined;
  const regionCode = params.get('region') ?? undefined;
  const [indicator, setIndicator] = useState<RankingIndicator>('invested');
  const [targetsOpen, setTargetsOpen] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);
  const regions = useRegions('district');

  const data = useQuery({
    queryKey: dashboardKeys.view(me.activeRegionCode, regionCode, year, month),
    queryFn: () => dashboardApi.get({ regionCode, year, month }),
  });
  const ranking = useQuery({
    queryKey: dashboardKeys.ranking(me.activeRegionCode, regionCode, year, indicator, month),
    queryFn: () => dashboardApi.ranking({ regionCode, year, indicator, month }),
  });

  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v === undefined) next.delete(k);
    else next.set(k, v);
    setParams(next);
  };
  const points = useQuery({
    queryKey: [...dashboardKeys.all(me.activeRegionCode), 'points', regionCode ?? ''],
    queryFn: () => dashboardApi.points(regionCode),
  });
  const d = data.data;
  const districtChoices = (regions.data ?? []).filter(
    (r) => r.level === 'district' || r.level === 'city',
  );

  const download = async (kind: 'docx' | 'xlsx') => {
    setDownloading(kind);
    try {
      const { blob, filename } = await dashboardApi.briefing(kind, { regionCode, year, month });
      saveBlob(blob, filename);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setDownloading(null);
    }
  };

  return (
    <>
      <PageHeader
        title={d ? `${d.regionName}驾驶舱` : '驾驶舱'}
        description={
          d
            ? `${d.year}年，月度调度统计至${Number(d.throughMonth.slice(5)) || 0}月；数据随填报实时汇总`
            : undefined
        }
        extra={
          <>
            {districtChoices.length > 1 && (
              <Select
                data-testid="dashboard-region"
                style={{ width: 200 }}
                value={regionCode ?? me.activeRegionCode}
                options={districtChoices.map((r) => ({ value: r.code, label: r.name }))}
                onChange={(v) => set('region', v === me.activeRegionCode ? undefined : v)}
              />
            )}
            <Select
              data-testid="dashboard-year"
              style={{ width: 100 }}
              value={year}
              options={yearOptions()}
              onChange={(v) => {
                const next = new URLSearchParams(params);
                if (v === thisYear()) next.delete('year');
                else next.set('year', String(v));
                next.delete('month');
                setParams(next);
              }}
            />
            <Select
              data-testid="dashboard-month"
              style={{ width: 120 }}
              value={month ?? latest}
              options={Array.from({ length: latest }, (_, i) => ({
                value: i + 1,
                label: `统计至${i + 1}月`,
              }))}
              onChange={(v) => set('month', v === latest ? undefined : String(v))}
            />
            <Dropdown
              menu={{
                items: [
                  { key: 'docx', label: '简报（Word）' },
                  { key: 'xlsx', label: '指标数据（Excel）' },
                ],
                onClick: ({ key }) => void download(key as 'docx' | 'xlsx'),
              }}
            >
              <Button
                icon={<DownloadOutlined />}
                loading={downloading !== null}
                data-testid="briefing-download"
              >
                下载简报
              </Button>
            </Dropdown>
            {TARGET_SETTERS.includes(me.role) && (
              <Button onClick={() => setTargetsOpen(true)} data-testid="targets-open">
                年度目标
              </Button>
            )}
            <Button
              type="primary"
              icon={<DesktopOutlined />}
              onClick={() => navigate(`/bigscreen${regionCode ? `?region=${regionCode}` : ''}`)}
              data-testid="bigscreen-open"
            >
              大屏
            </Button>
          </>
        }
      />
      {data.isError ? (
        <QueryError error={data.error} onRetry={() => void data.refetch()} />
      ) : !d ? (
        <Skeleton active />
      ) : (
        <DashboardBody
          d={d}
          ranking={ranking.data}
          points={points.data}
          indicator={indicator}
          onIndicator={setIndicator}
          onDrill={(code) => set('region', code)}
        />
      )}
      {targetsOpen && <TargetsModal year={year} onClose={() => setTargetsOpen(false)} />}
    </>
  );
}

function Figure(props: {
  title: string;
  value: string;
  suffix?: string;
  note?: React.ReactNode;
  to: string;
  testId: string;
}) {
  return (
    <Link to={props.to} data-testid={props.testId}>
      <Card hoverable size="small" style={{ height: '100%' }}>
        <Statistic title={props.title} value={props.value} suffix={props.suffix} />
        {props.note && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {props.note}
          </Typography.Text>
        )}
      </Card>
    </Link>
  );
}

function DashboardBody(props: {
  d: Dashboard;
  ranking: Ranking | undefined;
  points: MapPoints | undefined;
  indicator: RankingIndicator;
  onIndicator: (i: RankingIndicator) => void;
  onDrill: (code: string) => void;
}) {
  const { d, indicator } = props;
  const navigate = useNavigate();
  const inv = d.investment;
  const scope = { regionCode: d.regionCode };
  const months = useMemo(() => monthsOption(d), [d]);
  const stages = useMemo(() => stagesOption(d), [d]);
  const clusters = useMemo(() => clustersOption(d), [d]);
  const byRegion = useMemo(() => regionsOption(d), [d]);
  const map = useMemo(
    () => (props.ranking ? mapOption(props.ranking, indicator, false, props.points) : null),
    [props.ranking, indicator, props.points],
  );
  const city = d.regionLevel === 'city';
  const reportsLink = `/reports?month=${d.throughMonth}`;

  if (d.library.projects === 0)
    return (
      <Card>
        <Empty
          description={`${d.regionName}尚无入库项目：在"项目库"中新建或导入项目后，这里会显示汇总`}
        />
      </Card>
    );

  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title="在库项目"
            value={String(d.library.projects)}
            suffix="个"
            note={`总投资${yiFixed(d.library.totalInvestment, 1)}亿元`}
            to={projectsLink(scope)}
            testId="figure-projects"
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={`${d.year}年计划投资`}
            value={yiFixed(inv.annualPlan, 1)}
            suffix="亿元"
            note={`${inv.planProjects}个项目有年度计划`}
            to={projectsLink({ ...scope, planYear: d.year })}
            testId="figure-plan"
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title="本年完成投资"
            value={yiFixed(inv.invested, 1)}
            suffix="亿元"
            note={`年度计划完成率 ${percentText(inv.completion)}`}
            to={reportsLink}
            testId="figure-invested"
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title="年度目标完成率"
            value={inv.targetCompletion ?? '—'}
            suffix={inv.targetCompletion ? '%' : undefined}
            note={inv.target ? `目标${yiFixed(inv.target, 1)}亿元` : '市级尚未设定目标'}
            to={reportsLink}
            testId="figure-target"
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title="投资同比"
            value={inv.growth ?? '—'}
            suffix={inv.growth ? '%' : undefined}
            note={`上年同期${yiFixed(inv.lastYearInvested, 1)}亿元`}
            to={reportsLink}
            testId="figure-growth"
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card size="small" style={{ height: '100%' }} data-testid="figure-warnings">
            <Typography.Text type="secondary">预警</Typography.Text>
            <Flex wrap gap={4} style={{ marginTop: 8 }}>
              <Link to="/milestones/battle-chart">
                <Tag color="red">红灯节点 {d.warnings.redMilestones}</Tag>
              </Link>
              <Link to="/milestones/battle-chart">
                <Tag color="gold">黄灯节点 {d.warnings.yellowMilestones}</Tag>
              </Link>
              <Link to={reportsLink}>
                <Tag color="orange">逾期填报 {d.warnings.lateReports}</Tag>
              </Link>
              <Link to="/problems?status=open">
                <Tag color="blue">未销号问题 {d.warnings.openProblems}</Tag>
              </Link>
              <Link to="/problems?status=overdue">
                <Tag color="volcano">超期问题 {d.warnings.overdueProblems}</Tag>
              </Link>
            </Flex>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={
              <>
                <RiseOutlined /> 逐月完成投资（亿元）
              </>
            }
          >
            <EChart
              option={months}
              height={280}
              testId="chart-months"
              onClick={() => navigate(reportsLink)}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title="项目阶段分布（点击查看项目）">
            <EChart
              option={stages}
              height={280}
              testId="chart-stages"
              onClick={(e) => {
                const s = d.library.byStage[e.dataIndex];
                if (s) navigate(projectsLink({ ...scope, stage: s.key }));
              }}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={city ? '区县分布（点击区县下钻）' : '街道分布（点击查看项目）'}
            extra={
              <Select
                data-testid="ranking-indicator"
                size="small"
                style={{ width: 160 }}
                value={indicator}
                options={indicatorOptions}
                onChange={props.onIndicator}
              />
            }
          >
            {city && map ? (
              <EChart
                option={map}
                height={420}
                testId="chart-map"
                onClick={(e) => {
                  const data = e.data as { code?: string; projectId?: number } | undefined;
                  if (data?.projectId) navigate(`/projects/${data.projectId}`);
                  else if (data?.code) props.onDrill(data.code);
                }}
              />
            ) : (
              <EChart
                option={byRegion}
                height={Math.max(240, d.library.byRegion.length * 28)}
                testId="chart-regions"
                onClick={(e) => {
                  const code = (e.data as { code?: string } | undefined)?.code;
                  if (code) navigate(projectsLink({ regionCode: code }));
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <RankingCard
            ranking={props.ranking}
            indicator={indicator}
            onDrill={city ? props.onDrill : undefined}
          />
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={8}>
          <Card size="small" title="产业集群">
            <EChart
              option={clusters}
              height={280}
              testId="chart-clusters"
              onClick={(e) => navigate(projectsLink({ ...scope, industryCluster: e.name }))}
            />
          </Card>
        </Col>
        <Col xs={24} xl={6}>
          <Card size="small" title="项目级别">
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={d.library.byLevel}
              columns={[
                {
                  title: '级别',
                  dataIndex: 'label',
                  render: (l: string, r) => (
                    <Link to={projectsLink({ ...scope, level: r.key })}>{l}</Link>
                  ),
                },
                { title: '项目', dataIndex: 'projects', align: 'right' },
                {
                  title: '总投资（亿元）',
                  dataIndex: 'totalInvestment',
                  align: 'right',
                  render: (v: string) => yiFixed(v, 1),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <CampaignCard d={d} />
        </Col>
      </Row>
    </Flex>
  );
}

function RankingCard(props: {
  ranking: Ranking | undefined;
  indicator: RankingIndicator;
  onDrill: ((code: string) => void) | undefined;
}) {
  const r = props.ranking;
  const columns: TableColumnsType<Ranking['rows'][number]> = [
    { title: '名次', dataIndex: 'rank', width: 56, render: (v: number | null) => v ?? '—' },
    {
      title: '区域',
      dataIndex: 'regionName',
      render: (name: string, row) =>
        props.onDrill ? (
          <Typography.Link onClick={() => props.onDrill!(row.regionCode)}>{name}</Typography.Link>
        ) : (
          <Link to={projectsLink({ regionCode: row.regionCode })}>{name}</Link>
        ),
    },
    {
      title: r?.label ?? '',
      dataIndex: 'value',
      align: 'right',
      render: (v: string | null) => indicatorText(props.indicator, v),
    },
    {
      title: '较上月',
      dataIndex: 'change',
      width: 72,
      align: 'right',
      render: (c: number | null) =>
        c === null ? (
          '—'
        ) : c > 0 ? (
          <Typography.Text type="success">
            <ArrowUpOutlined /> {c}
          </Typography.Text>
        ) : c < 0 ? (
          <Typography.Text type="danger">
            <ArrowDownOutlined /> {-c}
          </Typography.Text>
        ) : (
          '持平'
        ),
    },
  ];
  return (
    <Card
      size="small"
      title={r ? `${r.label}排名` : '排名'}
      extra={
        r?.previousMonth ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.indicator === 'projects' || r.indicator === 'totalInvestment'
              ? `较上月：与${Number(r.previousMonth.slice(5))}月末的项目库比较`
              : `较上月：与统计至${Number(r.previousMonth.slice(5))}月的名次比较`}
          </Typography.Text>
        ) : null
      }
    >
      {!r ? (
        <Skeleton active />
      ) : r.rows.every((x) => x.value === null || Number(x.value) === 0) ? (
        // e.g. a district whose projects are all kept at district level, not on its streets
        <Empty description="下级区域暂无该指标的数据" data-testid="ranking-empty" />
      ) : (
        <Table
          data-testid="ranking-table"
          size="small"
          rowKey="regionCode"
          pagination={false}
          scroll={{ y: 380 }}
          dataSource={r.rows}
          columns={columns}
        />
      )}
    </Card>
  );
}

function CampaignCard({ d }: { d: Dashboard }) {
  return (
    <Card size="small" title={`"三个一批"（${d.regionName}）`} data-testid="dashboard-campaigns">
      {d.campaigns.length === 0 ? (
        <Empty description='尚未开展"三个一批"活动' />
      ) : (
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={d.campaigns}
          columns={[
            {
              title: '期次',
              dataIndex: 'title',
              render: (t: string, c) => <Link to={`/campaigns/${c.id}`}>{t}</Link>,
            },
            ...(['sign', 'start', 'produce'] as const).map((kind) => ({
              title: batchKindLabels[kind],
              key: kind,
              align: 'right' as const,
              render: (_: unknown, c: Dashboard['campaigns'][number]) => {
                const b = c.batches.find((x) => x.kind === kind);
                if (!b || b.count === 0) return '—';
                return (
                  <span>
                    {b.count}个/{yiFixed(b.totalInvestment, 1)}亿
                    {kind === 'start' && b.rate !== null && (
                      <Typography.Text type="secondary">
                        {' '}
                        开工率{Math.round(b.rate * 1000) / 10}%
                      </Typography.Text>
                    )}
                  </span>
                );
              },
            })),
          ]}
        />
      )}
    </Card>
  );
}
