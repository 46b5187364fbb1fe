import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Modal,
  Popconfirm,
  Result,
  Select,
  Skeleton,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ArrowLeftOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  batchKindLabels,
  batchKinds,
  batchStages,
  batchTrackingLabels,
  formatYi,
  projectStageLabels,
  roundDecimal,
  wanToYi,
  type BatchKind,
  type CampaignEntry,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError, emptyLocale } from '../../components/QueryState';
import { api, errorText, isApiError, type CampaignDetail } from '../../lib/api-client';
import { StageTag } from '../projects';
import { canLockBatch, canManageEntries, isRunning, percent } from './model';

type RegionRow = CampaignDetail['regions'][number] & {
  /** 'total' for the scope's 合计 row (whose code may equal its only district's) */
  key: string;
  total: boolean;
};
type Batch = CampaignDetail['regions'][number]['batches'][number];

/** 万元 → "85", "91.9" (亿元, at most two decimals) */
const yi = (wan: string) => roundDecimal(wanToYi(wan), 2);

const isKind = (v: string | null): v is BatchKind =>
  v !== null && (batchKinds as readonly string[]).includes(v);

/** "列入项目": a search over the projects in a stage the batch takes. */
function AddEntryModal(props: {
  open: boolean;
  campaignId: number;
  kind: BatchKind;
  regionCode: string;
  onClose: () => void;
  onAdded: () => void;
}) {
  const me = useMe();
  const [q, setQ] = useState('');
  const [projectId, setProjectId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stages = batchStages[props.kind];
  const options = useQuery({
    queryKey: ['projects', me.activeRegionCode, 'pick', props.regionCode, props.kind, q],
    queryFn: () =>
      api.projects.list({
        page: 1,
        pageSize: 30,
        q,
        regionCode: props.regionCode,
        stage: stages.join(','),
      }),
    enabled: props.open,
    placeholderData: keepPreviousData,
  });
  const add = useMutation({
    mutationFn: (id: number) =>
      api.campaigns.addEntry(props.campaignId, { projectId: id, kind: props.kind }),
    onSuccess: props.onAdded,
    onError: (e) => setError(errorText(e)),
  });

  return (
    <Modal
      open={props.open}
      title={`列入${batchKindLabels[props.kind]}`}
      okText="列入"
      okButtonProps={{ disabled: projectId === null }}
      confirmLoading={add.isPending}
      onOk={() => projectId !== null && add.mutate(projectId)}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {batchKindLabels[props.kind]}只收{stages.map((s) => projectStageLabels[s]).join('、')}
        阶段的项目。
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="entry-add-error"
        />
      )}
      <Select
        showSearch={{ filterOption: false, onSearch: setQ }}
        aria-label="项目"
        placeholder="输入项目名称或拼音首字母搜索"
        style={{ width: '100%' }}
        value={projectId}
        onChange={(v: number) => {
          setProjectId(v);
          setError(null);
        }}
        loading={options.isFetching}
        notFoundContent={options.isFetching ? '搜索中…' : '没有可列入的项目'}
        options={(options.data?.items ?? []).map((p) => ({
          value: p.id,
          label: `${p.name}（${p.regionName}·${projectStageLabels[p.stage]}·${formatYi(p.totalInvestment)}）`,
        }))}
        data-testid="entry-project-select"
      />
    </Modal>
  );
}

function EntriesPanel(props: {
  campaignId: number;
  kind: BatchKind;
  region: RegionRow;
  district: boolean;
}) {
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [adding, setAdding] = useState(false);
  /** a fresh dialog (search, choice, error) each time it opens */
  const [session, setSession] = useState(0);
  const { campaignId, kind, region } = props;
  const batch = region.batches.find((b) => b.kind === kind);
  const manage = canManageEntries(me.role);
  // a district batch once locked takes no more changes; on the 合计 row the server decides per project
  const locked = props.district && !!batch?.locked;

  const entries = useQuery({
    queryKey: ['campaigns', me.activeRegionCode, campaignId, 'entries', region.regionCode, kind],
    queryFn: () => api.campaigns.entries(campaignId, { regionCode: region.regionCode, kind }),
  });
  const remove = useMutation({
    mutationFn: (projectId: number) => api.campaigns.removeEntry(campaignId, projectId),
    onSuccess: () => {
      void message.success('已移出');
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });

  const columns: TableColumnsType<CampaignEntry> = [
    {
      key: 'name',
      title: '项目名称',
      render: (_, e) => (
        <Link to={`/projects/${e.projectId}`} data-testid="entry-project-link">
          {e.projectName}
        </Link>
      ),
    },
    { key: 'region', title: '区域', dataIndex: 'regionName' },
    { key: 'stage', title: '阶段', render: (_, e) => <StageTag stage={e.stage} /> },
    {
      key: 'total',
      title: '总投资（亿元）',
      align: 'right',
      render: (_, e) => yi(e.totalInvestment),
    },
    {
      key: 'annual',
      title: '年度投资（亿元）',
      align: 'right',
      render: (_, e) => yi(e.annualPlan),
    },
    {
      key: 'achieved',
      title: batchTrackingLabels[kind],
      render: (_, e) =>
        e.achieved ? <Tag color="success">达成</Tag> : <Tag color="default">未达成</Tag>,
    },
    ...(manage
      ? [
          {
            key: 'actions',
            title: '操作',
            render: (_: unknown, e: CampaignEntry) =>
              e.locked ? (
                <Tag icon={<LockOutlined />}>已锁定</Tag>
              ) : (
                <Popconfirm
                  title={`将“${e.projectName}”移出${batchKindLabels[kind]}？`}
                  okText="移出"
                  cancelText="取消"
                  onConfirm={() => remove.mutateAsync(e.projectId)}
                >
                  <Button type="link" size="small" danger data-testid="entry-remove">
                    移出
                  </Button>
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text data-testid="entries-summary">
          {batch
            ? `共${batch.count}个项目，总投资${formatYi(batch.totalInvestment)}，年度投资${formatYi(batch.annualPlan)}`
            : '共0个项目'}
          {locked && (
            <Tag icon={<LockOutlined />} color="orange" style={{ marginInlineStart: 8 }}>
              已审核锁定
            </Tag>
          )}
        </Typography.Text>
        {manage && !locked && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => {
              setSession((n) => n + 1);
              setAdding(true);
            }}
            data-testid="entry-add"
          >
            列入项目
          </Button>
        )}
      </Flex>
      {entries.isError && (
        <QueryError error={entries.error} onRetry={() => void entries.refetch()} />
      )}
      <Table
        rowKey="projectId"
        size="small"
        loading={entries.isLoading}
        columns={columns}
        dataSource={entries.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={emptyLocale(
          `${region.regionName}本期没有${batchKindLabels[kind]}项目`,
          entries.isError,
        )}
        data-testid={`entries-table-${kind}`}
      />
      {manage && (
        <AddEntryModal
          key={session}
          open={adding}
          campaignId={campaignId}
          kind={kind}
          regionCode={region.regionCode}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            void message.success(`已列入${batchKindLabels[kind]}`);
            void qc.invalidateQueries({ queryKey: ['campaigns'] });
          }}
        />
      )}
    </>
  );
}

function BatchCell(props: {
  batch: Batch | undefined;
  kind: BatchKind;
  lockable: boolean;
  onLock: () => Promise<unknown>;
}) {
  const { batch, kind } = props;
  if (!batch) return <>—</>;
  return (
    <Flex gap={6} align="center" wrap={false}>
      <span data-testid={`rate-${kind}`}>
        {batchTrackingLabels[kind]} {percent(batch.rate)}
      </span>
      {batch.locked ? (
        <Tag icon={<LockOutlined />} color="orange" data-testid={`locked-${kind}`}>
          已锁定
        </Tag>
      ) : (
        props.lockable && (
          <span onClick={(e) => e.stopPropagation()}>
            <Popconfirm
              title={`审核锁定${batchKindLabels[kind]}？`}
              description="锁定后本批次不能再列入或移出项目。"
              okText="锁定"
              cancelText="取消"
              onConfirm={props.onLock}
            >
              <Button size="small" type="link" data-testid={`lock-${kind}`}>
                审核锁定
              </Button>
            </Popconfirm>
          </span>
        )
      )}
    </Flex>
  );
}

export default function CampaignDetailPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { id: rawId } = useParams();
  const id = Number(rawId);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useSearchParams();
  const detail = useQuery({
    queryKey: ['campaigns', me.activeRegionCode, 'detail', id],
    queryFn: () => api.campaigns.get(id),
    enabled: valid,
  });
  const lock = useMutation({
    mutationFn: (v: { regionCode: string; kind: BatchKind }) => api.campaigns.lock(id, v),
    onSuccess: (_, v) => {
      void message.success(`${batchKindLabels[v.kind]}已审核锁定`);
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/campaigns')}>
      返回期次列表
    </Button>
  );
  if (!valid || isApiError(detail.error, 'CAMPAIGN_NOT_FOUND'))
    return <Result status="404" title="期次不存在" extra={back} />;
  if (detail.isError)
    return (
      <>
        <QueryError error={detail.error} onRetry={() => void detail.refetch()} />
        {back}
      </>
    );
  if (!detail.data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );

  const { campaign } = detail.data;
  const regions: RegionRow[] = detail.data.regions.map((r, i) => ({
    ...r,
    key: i === 0 ? 'total' : r.regionCode,
    total: i === 0,
  }));
  const selected = regions.find((r) => r.key === params.get('region')) ?? regions[0] ?? null;
  const tab = params.get('kind');
  const kind: BatchKind = isKind(tab) ? tab : 'sign';
  const setParam = (key: string, value: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const columns: TableColumnsType<RegionRow> = [
    {
      key: 'region',
      title: '区域',
      fixed: 'left',
      render: (_, r) =>
        r.total ? <Typography.Text strong>{r.regionName}</Typography.Text> : r.regionName,
    },
    ...batchKinds.map((k) => ({
      key: k,
      title: batchKindLabels[k],
      children: [
        {
          key: `${k}-count`,
          title: '个数',
          align: 'right' as const,
          render: (_: unknown, r: RegionRow) => (
            <span data-testid={`count-${k}`}>
              {r.batches.find((b) => b.kind === k)?.count ?? 0}
            </span>
          ),
        },
        {
          key: `${k}-total`,
          title: '总投资（亿元）',
          align: 'right' as const,
          render: (_: unknown, r: RegionRow) => (
            <span data-testid={`total-${k}`}>
              {yi(r.batches.find((b) => b.kind === k)?.totalInvestment ?? '0')}
            </span>
          ),
        },
        {
          key: `${k}-annual`,
          title: '年度投资（亿元）',
          align: 'right' as const,
          render: (_: unknown, r: RegionRow) =>
            yi(r.batches.find((b) => b.kind === k)?.annualPlan ?? '0'),
        },
        {
          key: `${k}-rate`,
          title: '跟踪',
          render: (_: unknown, r: RegionRow) => (
            <BatchCell
              batch={r.batches.find((b) => b.kind === k)}
              kind={k}
              lockable={canLockBatch(me.role) && !r.total}
              onLock={() => lock.mutateAsync({ regionCode: r.regionCode, kind: k })}
            />
          ),
        },
      ],
    })),
  ];

  return (
    <>
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
        <Flex vertical gap={4} style={{ minWidth: 0 }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="campaign-title">
              {campaign.name}
            </Typography.Title>
            {isRunning(campaign) ? <Tag color="processing">进行中</Tag> : <Tag>已结束</Tag>}
          </Flex>
          <Typography.Text type="secondary" data-testid="campaign-dates">
            {campaign.startsOn} 至 {campaign.endsOn}
          </Typography.Text>
        </Flex>
        {back}
      </Flex>

      <Flex vertical gap={16}>
        <Card title="各区域批次汇总" size="small" extra="点击一行查看该区域的项目">
          <Table
            rowKey="key"
            size="small"
            bordered
            columns={columns}
            dataSource={regions}
            pagination={false}
            scroll={{ x: 'max-content' }}
            rowClassName={(r) => (r.key === selected?.key ? 'ant-table-row-selected' : '')}
            onRow={(r) => ({
              onClick: () => setParam('region', r.key),
              style: { cursor: 'pointer' },
              'data-testid': 'region-row',
              'data-region': r.key,
            })}
            data-testid="campaign-summary"
          />
        </Card>
        {selected && (
          <Card
            size="small"
            title={`${selected.regionName} · 批次项目`}
            data-testid="campaign-entries"
          >
            <Tabs
              activeKey={kind}
              onChange={(k) => setParam('kind', k)}
              items={batchKinds.map((k) => ({
                key: k,
                label: batchKindLabels[k],
                children:
                  k === kind ? (
                    <EntriesPanel
                      campaignId={id}
                      kind={k}
                      region={selected}
                      district={!selected.total}
                    />
                  ) : null,
              }))}
            />
          </Card>
        )}
      </Flex>
    </>
  );
}
