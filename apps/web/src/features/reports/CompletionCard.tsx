import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Grid, Skeleton, Table, Typography, type TableColumnsType } from 'antd';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { yiFixed } from '../../lib/money';
import { reportsApi, type RegionCompletion } from './api';
import { reportKeys } from './model';
import { CompletionBar } from './tags';

/**
 * 年度投资完成率 by district: invested this year (reported) ÷ the year's
 * planned investment, the scope's total first. Amounts in 亿元.
 */
export function CompletionCard(props: { year: number; regionCode?: string | undefined }) {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const data = useQuery({
    queryKey: [...reportKeys.completion(me.activeRegionCode, props.year), props.regionCode ?? ''],
    queryFn: () => reportsApi.completion({ year: props.year, regionCode: props.regionCode }),
  });
  const all = data.data?.regions ?? [];
  // a district's view: its total and its own line are the same figures, shown once
  const rows = all.length === 2 && all[0]!.regionCode === all[1]!.regionCode ? all.slice(1) : all;
  const total = rows.length > 1 ? rows[0] : undefined;
  const rowKey = (r: RegionCompletion) => (r === total ? 'total' : r.regionCode);

  const columns: TableColumnsType<RegionCompletion> = [
    {
      title: '区域',
      dataIndex: 'regionName',
      width: 190,
      render: (name: string, r) =>
        r === total ? <Typography.Text strong>{name}</Typography.Text> : name,
    },
    { title: '计划项目数', dataIndex: 'projects', width: 100, align: 'right' },
    {
      title: '年度计划投资（亿元）',
      key: 'plan',
      width: 160,
      align: 'right',
      render: (_, r) => yiFixed(r.annualPlan),
    },
    {
      title: '本年已完成（亿元）',
      key: 'invested',
      width: 150,
      align: 'right',
      render: (_, r) => yiFixed(r.invested),
    },
    {
      title: '年度投资完成率',
      key: 'completion',
      width: 200,
      render: (_, r) => <CompletionBar percent={r.completion} />,
    },
  ];

  return (
    <Card
      size="small"
      title={`${props.year}年度投资完成率`}
      data-testid="completion-card"
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          完成率 = 本年已报投资 ÷ 本年计划投资
        </Typography.Text>
      }
    >
      {data.isError ? (
        <QueryError error={data.error} onRetry={() => void data.refetch()} />
      ) : !data.data ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : phone ? (
        <Flex vertical gap={10} data-testid="completion-list">
          {rows.map((r) => (
            <Flex key={rowKey(r)} vertical gap={2}>
              <Flex justify="space-between" gap={8}>
                <Typography.Text strong={r === total}>{r.regionName}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {yiFixed(r.invested)} / {yiFixed(r.annualPlan)} 亿元
                </Typography.Text>
              </Flex>
              <CompletionBar percent={r.completion} />
            </Flex>
          ))}
        </Flex>
      ) : (
        <Table<RegionCompletion>
          rowKey={rowKey}
          size="small"
          data-testid="completion-table"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content', y: 360 }}
        />
      )}
    </Card>
  );
}
