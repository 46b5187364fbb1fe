import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, DatePicker, Empty, Flex, Grid, Segmented, Skeleton, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { patchParams } from '../../lib/search-params';
import dayjs, { type Dayjs } from 'dayjs';
import { milestoneStatusLabels, milestoneStatuses, type MilestoneStatus } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { milestonesApi, type BattleChartParams } from './api';
import { BattleChart } from './BattleChart';
import { StatusCounts } from './MilestonesSection';
import { milestoneKeys, statusColors, statusOrder } from './model';
import { DATE } from '../../lib/format';

/** projects drawn at most (the API's default) */
export const BATTLE_LIMIT = 100;

const isStatus = (v: string | null): v is MilestoneStatus =>
  v !== null && (milestoneStatuses as readonly string[]).includes(v);
const isDate = (v: string | null): v is string =>
  !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && dayjs(v).isValid();

/** last month to five months ahead: what a monthly 调度 meeting looks at */
export function defaultWindow(today = dayjs()): { from: string; to: string } {
  return {
    from: today.subtract(1, 'month').startOf('month').format(DATE),
    to: today.add(5, 'month').endOf('month').format(DATE),
  };
}

function Legend() {
  return (
    <Flex gap={14} wrap style={{ fontSize: 12 }} data-testid="battle-legend">
      {statusOrder.map((s) => (
        <span key={s} style={{ whiteSpace: 'nowrap' }}>
          <span
            aria-hidden
            style={{
              display: 'inline-block',
              width: 10,
              height: 10,
              marginInlineEnd: 4,
              borderRadius: s === 'done' ? 2 : '50%',
              transform: s === 'done' ? 'rotate(45deg) scale(0.85)' : undefined,
              background: statusColors[s],
            }}
          />
          {milestoneStatusLabels[s]}
        </span>
      ))}
      <span style={{ whiteSpace: 'nowrap' }}>
        <span
          aria-hidden
          style={{
            display: 'inline-block',
            width: 2,
            height: 12,
            marginInlineEnd: 4,
            verticalAlign: 'middle',
            background: '#1554ad',
          }}
        />
        今天
      </span>
    </Flex>
  );
}

/**
 * 作战图 of a region: its projects with their nodes on a time axis (倒排工期
 * made visible), for the monthly 调度 meeting and the big screen.
 */
export default function BattleChartPage() {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [params, setParams] = useSearchParams();
  const fallback = defaultWindow();
  const from = isDate(params.get('from')) ? params.get('from')! : fallback.from;
  const rawTo = params.get('to');
  const to = isDate(rawTo) && rawTo >= from ? rawTo : fallback.to;
  const rawStatus = params.get('status');
  const status = isStatus(rawStatus) ? rawStatus : undefined;
  const region = params.get('region') ?? undefined;
  const today = dayjs().format(DATE);

  const query: BattleChartParams = {
    from,
    to,
    limit: String(BATTLE_LIMIT),
    ...(status ? { status } : {}),
    ...(region ? { regionCode: region } : {}),
  };
  const chart = useQuery({
    queryKey: milestoneKeys.battle(me.activeRegionCode, query),
    queryFn: () => milestonesApi.battleChart(query),
    placeholderData: keepPreviousData,
  });

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => patchParams(prev, patch, false));

  const presets: Array<{ label: string; value: [Dayjs, Dayjs] }> = [
    { label: '默认（前1月至后5月）', value: [dayjs(fallback.from), dayjs(fallback.to)] },
    { label: '未来3个月', value: [dayjs(), dayjs().add(3, 'month')] },
    { label: '本年度', value: [dayjs().startOf('year'), dayjs().endOf('year')] },
    {
      label: '下一年度',
      value: [dayjs().add(1, 'year').startOf('year'), dayjs().add(1, 'year').endOf('year')],
    },
  ];

  const data = chart.data;
  return (
    <>
      <PageHeader
        title="作战图"
        description={`${me.activeRegionName}重点项目节点作战图：红灯逾期、黄灯临期、绿灯正常，灰色为已完成`}
      />
      <Card>
        <Flex gap={8} wrap align="center" className="filter-bar" style={{ marginBottom: 12 }}>
          <RegionTreeSelect
            maxLevel="district"
            allowClear
            value={region}
            onChange={(v) => set({ region: v })}
            placeholder={`全部区域（${me.activeRegionName}）`}
            style={{ width: 220 }}
            data-testid="battle-region"
          />
          <DatePicker.RangePicker
            className="filter-bar-full"
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            presets={presets}
            onChange={(v) => {
              const [a, b] = v ?? [];
              if (a && b) set({ from: a.format(DATE), to: b.format(DATE) });
            }}
            style={{ width: 260 }}
            data-testid="battle-window"
          />
          <div className="filter-bar-full" style={{ overflowX: 'auto', maxWidth: '100%' }}>
            <Segmented
              value={status ?? 'all'}
              onChange={(v) => set({ status: v === 'all' ? undefined : String(v) })}
              options={[
                { value: 'all', label: '全部状态' },
                ...statusOrder.map((s) => ({ value: s, label: milestoneStatusLabels[s] })),
              ]}
              data-testid="battle-status"
            />
          </div>
        </Flex>
        <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
          {data ? (
            <Typography.Text data-testid="battle-summary">
              {data.rows.length}个项目 · {from} 至 {to}
            </Typography.Text>
          ) : (
            <span />
          )}
          {data && <StatusCounts counts={data.counts} />}
        </Flex>
        {chart.isError && <QueryError error={chart.error} onRetry={() => void chart.refetch()} />}
        {data?.truncated && (
          <Alert
            type="info"
            showIcon
            title={`仅显示前${BATTLE_LIMIT}个项目`}
            description="请缩小区域或时间范围，或按状态筛选。"
            style={{ marginBottom: 12 }}
            data-testid="battle-truncated"
          />
        )}
        {!data ? (
          chart.isError ? null : (
            <Skeleton active />
          )
        ) : data.rows.length === 0 ? (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={
              status
                ? '该时间范围内没有此状态的节点'
                : '该时间范围内没有项目节点，可在项目详情中倒排工期'
            }
            data-testid="battle-empty"
          />
        ) : (
          <Flex vertical gap={8}>
            <Legend />
            <BattleChart
              rows={data.rows}
              from={from}
              to={to}
              today={today}
              status={status}
              compact={phone}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {phone ? '左右滑动查看更多日期；' : ''}点击或悬停节点查看详情，点击项目名称进入项目。
            </Typography.Text>
          </Flex>
        )}
      </Card>
    </>
  );
}
