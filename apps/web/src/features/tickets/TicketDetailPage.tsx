import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Grid,
  Result,
  Row,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import {
  ticketActionLabels,
  ticketEventLabels,
  ticketLevelLabels,
  ticketRatingLabels,
  ticketSourceLabels,
  ticketStatusLabels,
  ticketTimeLimitLabel,
  type TicketDetail,
  type TicketEvent,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { isApiError } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import type { TicketStep } from './api';
import { ticketKeys } from './model';
import { ticketsApi } from './api';
import { DueTag, formatDue, TicketStatusTag } from './tags';
import { TicketActionModal } from './TicketActionModal';
import { AddPhotos } from './AddPhotos';
import { TicketPhotoThumbs } from './TicketPhotos';

const primarySteps: readonly TicketStep[] = [
  'accept',
  'dispatch',
  'start',
  'reply',
  'rate',
  'close',
];

const eventColors: Partial<Record<TicketEvent['kind'], string>> = {
  create: 'blue',
  close: 'green',
  return: 'red',
  escalate: 'red',
  supervise: 'orange',
  remind: 'orange',
  rate: 'purple',
};

function EventLine({ e }: { e: TicketEvent }) {
  return (
    <Flex vertical gap={2}>
      <Flex gap={6} wrap align="center">
        <Typography.Text strong>{ticketEventLabels[e.kind]}</Typography.Text>
        {e.toStatus && e.toStatus !== e.fromStatus && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            → {ticketStatusLabels[e.toStatus]}
          </Typography.Text>
        )}
        {e.departmentName && <Tag style={{ marginInlineEnd: 0 }}>{e.departmentName}</Tag>}
        <Tag color="default" style={{ marginInlineEnd: 0 }}>
          {ticketLevelLabels[e.level]}
        </Tag>
      </Flex>
      {e.note && <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{e.note}</Typography.Text>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {e.actorName} · {formatDateTime(e.at)}
      </Typography.Text>
    </Flex>
  );
}

function Facts({ t }: { t: TicketDetail }) {
  const items = [
    { key: 'number', label: '工单编号', children: t.number },
    { key: 'source', label: '来源', children: ticketSourceLabels[t.source] },
    { key: 'category', label: '类别', children: t.categoryName },
    {
      key: 'status',
      label: '状态',
      children: (
        <Space size={4} wrap>
          <TicketStatusTag ticket={t} />
          <DueTag ticket={t} />
        </Space>
      ),
    },
    {
      key: 'due',
      label: '办理期限',
      children: (
        <span data-testid="ticket-detail-due">
          <Typography.Text type={t.overdue ? 'danger' : undefined}>
            {formatDue(t.dueAt)}
          </Typography.Text>
          <Typography.Text type="secondary">
            {t.rectifyBy
              ? `（整改期限${t.rectifyBy}）`
              : `（时限${ticketTimeLimitLabel(t.timeLimit)}）`}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: 'level',
      label: '办理层级',
      children: (
        <span>
          {ticketLevelLabels[t.level]}
          {t.escalations > 0 && (
            <Typography.Text type="danger">（超期升级{t.escalations}次）</Typography.Text>
          )}
        </span>
      ),
    },
    { key: 'region', label: '区域', children: t.regionName },
    ...(t.address ? [{ key: 'address', label: '地址', children: t.address }] : []),
    ...(t.lng !== null && t.lat !== null
      ? [
          {
            key: 'loc',
            label: '位置',
            children: `经度 ${t.lng.toFixed(6)}，纬度 ${t.lat.toFixed(6)}`,
          },
        ]
      : []),
    ...(t.enterpriseName ? [{ key: 'ent', label: '企业', children: t.enterpriseName }] : []),
    ...(t.projectName && t.projectId
      ? [
          {
            key: 'project',
            label: '项目',
            children: <Link to={`/projects/${t.projectId}`}>{t.projectName}</Link>,
          },
        ]
      : []),
    ...(t.reportMonth && t.projectId
      ? [
          {
            key: 'report',
            label: '来自调度',
            children: (
              <Link to={`/reports?month=${t.reportMonth}`} data-testid="ticket-detail-report">
                {`${t.reportMonth.slice(0, 4)}年${Number(t.reportMonth.slice(5))}月调度`}
              </Link>
            ),
          },
        ]
      : []),
    {
      key: 'requester',
      label: '诉求人',
      children: [t.requesterName, t.requesterPhone].filter(Boolean).join(' ') || '—',
    },
    { key: 'unit', label: '承办单位', children: t.departmentName ?? '未派遣' },
    ...(t.coDepartments.length
      ? [{ key: 'co', label: '协办单位', children: t.coDepartments.map((d) => d.name).join('、') }]
      : []),
    {
      key: 'created',
      label: '登记',
      children: `${t.createdByName} · ${formatDateTime(t.createdAt)}`,
    },
    ...(t.reply
      ? [
          {
            key: 'reply',
            label: '办理结果',
            children: (
              <span style={{ whiteSpace: 'pre-wrap' }} data-testid="ticket-detail-reply">
                {t.reply}
              </span>
            ),
          },
        ]
      : []),
    ...(t.rating
      ? [
          {
            key: 'rating',
            label: '评价',
            children: (
              <span data-testid="ticket-detail-rating">
                {ticketRatingLabels[t.rating]}
                {t.ratingComment ? `：${t.ratingComment}` : ''}
              </span>
            ),
          },
        ]
      : []),
    ...(t.closedAt
      ? [
          {
            key: 'closed',
            label: '办结',
            children: `${formatDateTime(t.closedAt)}${
              t.resolvedLevel ? `（${ticketLevelLabels[t.resolvedLevel]}化解）` : ''
            }`,
          },
        ]
      : []),
    ...(t.mergedIntoId
      ? [
          {
            key: 'merged',
            label: '已合并到',
            children: <Link to={`/tickets/${t.mergedIntoId}`}>查看该工单</Link>,
          },
        ]
      : []),
  ];
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      bordered
      styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
      items={items}
      data-testid="ticket-facts"
    />
  );
}

/** 工单详情: the facts, photos, every step so far, and the steps the caller may take now. */
export default function TicketDetailPage() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const id = Number(useParams().id);
  const [step, setStep] = useState<{ step: TicketStep; session: number } | null>(null);
  const detail = useQuery({
    queryKey: ticketKeys.detail(me.activeRegionCode, id),
    queryFn: () => ticketsApi.get(id),
    enabled: Number.isInteger(id) && id > 0,
  });
  const changed = () => void qc.invalidateQueries({ queryKey: ticketKeys.all });

  if (detail.isError && isApiError(detail.error) && detail.error.status === 404)
    return <Result status="404" title="工单不存在" subTitle="该工单不存在或您无权查看。" />;
  if (detail.isError)
    return <QueryError error={detail.error} onRetry={() => void detail.refetch()} />;
  const t = detail.data;
  if (!t) return <Skeleton active />;

  const steps = t.allowed.filter((a): a is TicketStep => a !== 'escalate');
  const open = (s: TicketStep) => setStep((old) => ({ step: s, session: (old?.session ?? 0) + 1 }));

  return (
    <>
      <Flex vertical gap={12} style={{ marginBottom: 16 }}>
        <div>
          <Button
            type="link"
            icon={<ArrowLeftOutlined />}
            onClick={() => void navigate(-1)}
            style={{ paddingInline: 0 }}
          >
            返回
          </Button>
        </div>
        <Flex justify="space-between" align="flex-start" wrap gap={12}>
          <div style={{ minWidth: 0 }}>
            <Typography.Title
              level={4}
              style={{ margin: 0, wordBreak: 'break-all' }}
              data-testid="ticket-title"
            >
              {t.title}
            </Typography.Title>
            <Typography.Text type="secondary">
              {t.number} · {ticketSourceLabels[t.source]} · {t.categoryName}
            </Typography.Text>
          </div>
          {steps.length > 0 && (
            <Flex
              gap={8}
              wrap
              data-testid="ticket-actions"
              style={screens.md ? undefined : { width: '100%' }}
            >
              {steps.map((s) => (
                <Button
                  key={s}
                  type={primarySteps.includes(s) ? 'primary' : 'default'}
                  danger={s === 'return'}
                  size={screens.md ? 'middle' : 'large'}
                  onClick={() => open(s)}
                  style={screens.md ? undefined : { flex: '1 1 40%' }}
                  data-testid={`ticket-action-${s}`}
                >
                  {ticketActionLabels[s]}
                </Button>
              ))}
            </Flex>
          )}
        </Flex>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Flex vertical gap={16}>
            <Card title="工单信息" size="small">
              <Typography.Paragraph
                style={{ whiteSpace: 'pre-wrap' }}
                data-testid="ticket-description"
              >
                {t.description}
              </Typography.Paragraph>
              <Facts t={t} />
            </Card>
            <Card
              title={`现场照片（${t.photos.length}）`}
              size="small"
              extra={<AddPhotos ticket={t} onAdded={changed} />}
            >
              <TicketPhotoThumbs ticketId={t.id} photos={t.photos} />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={9}>
          <Card title="办理经过" size="small">
            {t.events.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无办理记录" />
            ) : (
              <Timeline
                data-testid="ticket-events"
                items={t.events.map((e) => ({
                  key: e.id,
                  color: eventColors[e.kind] ?? 'gray',
                  content: <EventLine e={e} />,
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
      {step && (
        <TicketActionModal
          key={step.session}
          ticket={t}
          step={step.step}
          onClose={() => setStep(null)}
          onChanged={changed}
        />
      )}
    </>
  );
}
