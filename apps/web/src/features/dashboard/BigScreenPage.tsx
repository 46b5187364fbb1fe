import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, ConfigProvider, Flex, Spin, theme } from 'antd';
import { FullscreenOutlined, RollbackOutlined } from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../../session';
import { errorText } from '../../lib/api-client';
import { yiFixed } from '../../lib/money';
import { dashboardApi } from './api';
import { mapOption, monthsOption, regionsOption } from './charts';
import { EChart } from './EChart';
import { dashboardKeys, indicatorText, percentText, thisYear } from './model';

/** how often the meeting-room screen refreshes itself */
const REFRESH_MS = 60_000;

const panel: React.CSSProperties = {
  background: 'rgba(15, 23, 42, 0.85)',
  border: '1px solid #1e3a8a',
  borderRadius: 8,
  padding: 16,
};

/** 大屏: dark, full screen, large type for the leaders' meeting room; refreshes every minute. */
export default function BigScreenPage() {
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const regionCode = params.get('region') ?? undefined;
  const year = thisYear();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  const data = useQuery({
    queryKey: [...dashboardKeys.view(me.activeRegionCode, regionCode, year), 'bigscreen'],
    queryFn: () => dashboardApi.get({ regionCode, year }),
    refetchInterval: REFRESH_MS,
  });
  const ranking = useQuery({
    queryKey: [
      ...dashboardKeys.ranking(me.activeRegionCode, regionCode, year, 'invested'),
      'bigscreen',
    ],
    queryFn: () => dashboardApi.ranking({ regionCode, year, indicator: 'invested' }),
    refetchInterval: REFRESH_MS,
  });
  const points = useQuery({
    queryKey: [...dashboardKeys.all(me.activeRegionCode), 'points', regionCode ?? '', 'bigscreen'],
    queryFn: () => dashboardApi.points(regionCode),
    refetchInterval: REFRESH_MS,
  });
  const d = data.data;
  const months = useMemo(() => (d ? monthsOption(d, true) : null), [d]);
  const map = useMemo(
    () =>
      ranking.data && d?.regionLevel === 'city'
        ? mapOption(ranking.data, 'invested', true, points.data)
        : null,
    [ranking.data, d, points.data],
  );
  const regions = useMemo(() => (d ? regionsOption(d) : null), [d]);

  const big = (label: string, value: string, unit: string, testId: string) => (
    <div style={{ ...panel, flex: 1, minWidth: 220 }} data-testid={testId}>
      <div style={{ fontSize: 22, color: '#93c5fd' }}>{label}</div>
      <div
        style={{
          fontSize: 52,
          fontWeight: 700,
          color: '#f8fafc',
          lineHeight: 1.2,
          whiteSpace: 'nowrap',
        }}
      >
        {value}
        <span style={{ fontSize: 24, marginLeft: 8, color: '#cbd5e1' }}>{unit}</span>
      </div>
    </div>
  );

  return (
    <ConfigProvider theme={{ algorithm: theme.darkAlgorithm }}>
      <div
        data-testid="bigscreen"
        style={{
          position: 'fixed',
          inset: 0,
          background: 'radial-gradient(circle at top, #0b1f4a, #020617 70%)',
          color: '#e2e8f0',
          padding: 24,
          overflow: 'auto',
          zIndex: 1000,
        }}
      >
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <div style={{ fontSize: 40, fontWeight: 700, letterSpacing: 4, color: '#f8fafc' }}>
            {d ? `${d.regionName}重点项目建设驾驶舱` : '重点项目建设驾驶舱'}
          </div>
          <Flex gap={12} align="center">
            <span
              style={{ fontSize: 24, fontVariantNumeric: 'tabular-nums' }}
              data-testid="bigscreen-clock"
            >
              {now.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}
            </span>
            <Button
              icon={<FullscreenOutlined />}
              onClick={() => void document.documentElement.requestFullscreen?.().catch(() => {})}
            >
              全屏
            </Button>
            <Button icon={<RollbackOutlined />} onClick={() => navigate(-1)}>
              退出
            </Button>
          </Flex>
        </Flex>
        {data.isError ? (
          <div style={{ fontSize: 28 }}>
            数据加载失败：{errorText(data.error)}（每分钟自动重试）
          </div>
        ) : !d ? (
          <Spin size="large" />
        ) : (
          <Flex vertical gap={16}>
            <Flex gap={16} wrap>
              {big('在库项目', String(d.library.projects), '个', 'big-projects')}
              {big('总投资', yiFixed(d.library.totalInvestment, 1), '亿元', 'big-total')}
              {big('本年完成投资', yiFixed(d.investment.invested, 1), '亿元', 'big-invested')}
              {big('年度计划完成率', percentText(d.investment.completion), '', 'big-completion')}
              {big(
                '红灯/黄灯节点',
                `${d.warnings.redMilestones}/${d.warnings.yellowMilestones}`,
                '个',
                'big-warnings',
              )}
            </Flex>
            <Flex gap={16} wrap>
              <div style={{ ...panel, flex: 3, minWidth: 480 }}>
                <div style={{ fontSize: 24, marginBottom: 8 }}>
                  {map ? '各区县本年完成投资（亿元）' : '各街道项目数'}
                </div>
                {map ? (
                  <EChart option={map} height={520} dark testId="big-map" />
                ) : (
                  regions && <EChart option={regions} height={520} dark />
                )}
              </div>
              <div style={{ ...panel, flex: 2, minWidth: 380 }}>
                <div style={{ fontSize: 24, marginBottom: 8 }}>本年完成投资排名</div>
                <table
                  style={{ width: '100%', fontSize: 22, borderCollapse: 'collapse' }}
                  data-testid="big-ranking"
                >
                  <tbody>
                    {(ranking.data?.rows ?? []).slice(0, 10).map((r) => (
                      <tr key={r.regionCode} style={{ borderBottom: '1px solid #1e293b' }}>
                        <td
                          style={{
                            padding: '6px 4px',
                            width: 48,
                            color: (r.rank ?? 99) <= 3 ? '#fbbf24' : '#94a3b8',
                          }}
                        >
                          {r.rank ?? '—'}
                        </td>
                        <td style={{ padding: '6px 4px' }}>{r.regionName.replace(/^郑州/, '')}</td>
                        <td style={{ padding: '6px 4px', textAlign: 'right' }}>
                          {indicatorText('invested', r.value)}
                        </td>
                        <td style={{ padding: '6px 4px', textAlign: 'right', width: 56 }}>
                          {r.change === null
                            ? ''
                            : r.change > 0
                              ? `↑${r.change}`
                              : r.change < 0
                                ? `↓${-r.change}`
                                : '—'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Flex>
            <div style={panel}>
              <div style={{ fontSize: 24, marginBottom: 8 }}>逐月完成投资（亿元）</div>
              {months && <EChart option={months} height={320} dark />}
            </div>
          </Flex>
        )}
      </div>
    </ConfigProvider>
  );
}
