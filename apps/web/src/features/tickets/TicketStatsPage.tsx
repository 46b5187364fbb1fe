import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Grid,
  Row,
  Select,
  Statistic,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import {
  ticketLevelLabels,
  ticketLevels,
  ticketSourceLabels,
  ticketSources,
  type TicketUnitStats,
} from '@xiangmu/contracts';
import type { Dayjs } from 'dayjs';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { errorText, saveBlob } from '../../lib/api-client';
import { ticketsApi, type TicketStatsParams } from './api';
import { levelSayings, ticketKeys } from './model';

const DATE = 'YYYY-MM-DD';
const rate = (r: number | null) => (r === null ? '—' : `${r}%`);

const columns: TableColumnsType<TicketUnitStats> = [
  { title: '排名', dataIndex: 'rank', width: 64, align: 'center' },
  { title: '承办单位', dataIndex: 'departmentName', width: 180 },
  { title: '受理', dataIndex: 'received', width: 70, align: 'right' },
  { title: '办结', dataIndex: 'closed', width: 70, align: 'right' },
  {
    title: '按期办结率',
    dataIndex: 'onTimeRate',
    width: 100,
    align: 'right',
    render: (r: number | null) => rate(r),
  },
  { title: '未办结', dataIndex: 'open', width: 80, align: 'right' },
  {
    title: '超期',
    dataIndex: 'overdue',
    width: 70,
    align: 'right',
    render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n),
  },
  {
    title: '满意率',
    dataIndex: 'satisfactionRate',
    width: 90,
    align: 'right',
    render: (r: number | null, u) => (
      <span title={`满意${u.satisfied}、基本满意${u.basic}、不满意${u.unsatisfied}`}>
        {rate(r)}
      </span>
    ),
  },
];

/** 统计排名: totals, where tickets were resolved, and the units ranked. */
export default function TicketStatsPage() {
  const me = useMe();
  const { message } = App.useApp();
  const phone = !Grid.useBreakpoint().md;
  const [source, setSource] = useState<string[]>([]);
  const [regionCode, setRegionCode] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [exporting, setExporting] = useState(false);
  const params: TicketStatsParams = {
    ...(regionCode ? { regionCode } : {}),
    ...(source.length ? { source: source.join(',') } : {}),
    ...(range?.[0] ? { from: range[0].format(DATE) } : {}),
    ...(range?.[1] ? { to: range[1].format(DATE) } : {}),
  };
  const stats = useQuery({
    queryKey: ticketKeys.stats(me.activeRegionCode, params),
    queryFn: () => ticketsApi.stats(params),
    placeholderData: keepPreviousData,
  });

  async function exportXlsx() {
    setExporting(true);
    try {
      const { blob, filename } = await ticketsApi.exportLedger(params);
      saveBlob(blob, filename);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setExporting(false);
    }
  }

  const d = stats.data;
  const totals = d?.totals;
  const closedAt = (level: (typeof ticketLevels)[number]) =>
    d?.resolvedByLevel.find((r) => r.level === level)?.closed ?? 0;
  const width = (w: number) => (phone ? '100%' : w);
  const onTime =
    totals && totals.closed > 0
      ? Math.round((totals.closedOnTime / totals.closed) * 1000) / 10
      : null;

  return (
    <>
      <PageHeader
        title="统计排名"
        description="承办单位按按期办结率、满意率、受理量排名；办结工单按化解层级统计"
        extra={
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void exportXlsx()}
            data-testid="ticket-stats-export"
          >
            导出Excel
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Select
          mode="multiple"
          allowClear
          placeholder="全部来源"
          value={source}
          onChange={setSource}
          options={ticketSources.map((s) => ({ value: s, label: ticketSourceLabels[s] }))}
          style={{ width: width(240) }}
          maxTagCount="responsive"
          data-testid="ticket-stats-source"
        />
        <RegionTreeSelect
          allowClear
          maxLevel="street"
          placeholder="全部区域"
          value={regionCode}
          onChange={setRegionCode}
          style={{ width: width(200) }}
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v)}
          placeholder={['登记日期从', '至']}
          inputReadOnly={phone}
          style={{ width: width(250) }}
          data-testid="ticket-stats-dates"
        />
      </Flex>
      {stats.isError && <QueryError error={stats.error} onRetry={() => void stats.refetch()} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="ticket-stats-totals">
        {(
          [
            ['受理', totals?.received, undefined],
            ['办结', totals?.closed, undefined],
            ['按期办结率', onTime, '%'],
            ['未办结', totals?.open, undefined],
            ['超期', totals?.overdue, undefined],
            ['待派遣', totals?.undispatched, undefined],
          ] as const
        ).map(([title, value, suffix]) => (
          <Col key={title} xs={12} sm={8} lg={4}>
            <Card size="small" loading={stats.isLoading}>
              <Statistic
                title={title}
                value={value ?? '—'}
                suffix={value === null || value === undefined ? undefined : suffix}
                styles={
                  title === '超期' && (value ?? 0) > 0
                    ? { content: { color: '#cf1322' } }
                    : undefined
                }
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title="化解层级" size="small" style={{ marginBottom: 16 }}>
        <Row gutter={[12, 12]} data-testid="ticket-stats-levels">
          {ticketLevels.map((l) => (
            <Col key={l} xs={12} md={6}>
              <Statistic
                title={`${ticketLevelLabels[l]} · ${levelSayings[l]}`}
                value={closedAt(l)}
                suffix="件"
              />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title="承办单位排名" size="small">
        <Table<TicketUnitStats>
          rowKey="departmentId"
          size="small"
          columns={columns}
          dataSource={d?.units ?? []}
          loading={stats.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={emptyLocale('所选范围内还没有派遣到单位的工单', stats.isError)}
          data-testid="ticket-stats-units"
        />
      </Card>
    </>
  );
}
