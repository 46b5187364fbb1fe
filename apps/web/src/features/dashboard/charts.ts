import type { EChartsCoreOption } from 'echarts/core';
import type { RankingIndicator } from '@xiangmu/contracts';
import { yiFixed } from '../../lib/money';
import type { Dashboard, MapPoints, Ranking } from './api';
import { indicatorNumber, indicatorText, zonePoints } from './model';

const yi = (wan: string) => Number(yiFixed(wan));

/** Monthly invested (bars), this year's and last year's cumulative (lines), in 亿元. */
export function monthsOption(d: Dashboard, big = false): EChartsCoreOption {
  const font = big ? 20 : 12;
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}亿元` },
    legend: { top: 0, textStyle: { fontSize: font } },
    grid: { left: 8, right: 16, top: big ? 48 : 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: d.investment.months.map((m) => `${Number(m.month.slice(5))}月`),
      axisLabel: { fontSize: font },
    },
    yAxis: {
      type: 'value',
      name: '亿元',
      axisLabel: { fontSize: font },
      nameTextStyle: { fontSize: font },
    },
    series: [
      { name: '当月完成', type: 'bar', data: d.investment.months.map((m) => yi(m.invested)) },
      { name: '本年累计', type: 'line', data: d.investment.months.map((m) => yi(m.cumulative)) },
      {
        name: '上年同期累计',
        type: 'line',
        lineStyle: { type: 'dashed' },
        data: d.investment.months.map((m) => yi(m.lastYearCumulative)),
      },
    ],
  };
}

/** Projects by stage: a click opens the list of that stage. */
export function stagesOption(d: Dashboard): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.library.byStage.map((s) => s.label) },
    yAxis: { type: 'value', name: '个', minInterval: 1 },
    series: [
      {
        name: '项目数',
        type: 'bar',
        data: d.library.byStage.map((s) => s.projects),
        label: { show: true, position: 'top' },
      },
    ],
  };
}

export function clustersOption(d: Dashboard): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}<br/>{c}个（{d}%）' },
    series: [
      {
        name: '产业集群',
        type: 'pie',
        radius: ['35%', '65%'],
        data: d.library.byCluster.map((s) => ({ name: s.label, value: s.projects })),
        label: { formatter: '{b} {c}' },
      },
    ],
  };
}

export function regionsOption(d: Dashboard): EChartsCoreOption {
  const rows = [...d.library.byRegion].sort((a, b) => a.projects - b.projects);
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.label.replace(/^郑州(经济技术开发区)?/, '') || r.label),
    },
    xAxis: { type: 'value', name: '个', minInterval: 1 },
    series: [
      {
        name: '项目数',
        type: 'bar',
        data: rows.map((r) => ({ value: r.projects, code: r.key })),
        label: { show: true, position: 'right' },
      },
    ],
  };
}

/**
 * Zhengzhou's districts coloured by the indicator; the functional zones,
 * which have no official boundary, as points.
 */
export function mapOption(
  r: Ranking,
  indicator: RankingIndicator,
  big = false,
  points?: MapPoints,
): EChartsCoreOption {
  const values = r.rows
    .map((x) => indicatorNumber(indicator, x.value))
    .filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const mapped = r.rows.filter((x) => !zonePoints[x.regionCode]);
  const zones = r.rows.filter((x) => zonePoints[x.regionCode]);
  const text = (code: string) => {
    const row = r.rows.find((x) => x.regionCode === code);
    return row
      ? `${row.regionName}<br/>${r.label}：${indicatorText(indicator, row.value)}${row.rank ? `（第${row.rank}名）` : ''}`
      : '';
  };
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data?: { code?: string; project?: string; total?: string } }) =>
        p.data?.project
          ? `${p.data.project}<br/>总投资${p.data.total}亿元`
          : p.data?.code
            ? text(p.data.code)
            : '',
    },
    visualMap: {
      min: 0,
      max,
      left: 8,
      bottom: 8,
      text: ['高', '低'],
      calculable: true,
      inRange: { color: ['#e0ecff', '#1d4ed8'] },
      textStyle: { fontSize: big ? 18 : 12, color: big ? '#e5e7eb' : undefined },
    },
    geo: {
      map: 'zhengzhou',
      roam: false,
      // dark text with a light outline reads on light and dark fills alike
      label: {
        show: true,
        fontSize: big ? 16 : 11,
        color: '#111827',
        textBorderColor: '#fff',
        textBorderWidth: 2,
      },
      itemStyle: { borderColor: '#fff', areaColor: '#e5e7eb' },
    },
    series: [
      {
        name: r.label,
        type: 'map',
        geoIndex: 0,
        data: mapped.map((x) => ({
          name: x.regionName,
          value: indicatorNumber(indicator, x.value) ?? 0,
          code: x.regionCode,
        })),
      },
      {
        name: '功能区',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: big ? 28 : 18,
        label: {
          show: true,
          position: 'right',
          formatter: (p: { name: string }) => p.name.replace(/^郑州/, ''),
          fontSize: big ? 16 : 11,
          color: big ? '#fde68a' : '#92400e',
          fontWeight: 'bold',
        },
        itemStyle: { color: '#f59e0b', borderColor: '#fff', borderWidth: 1 },
        data: zones.map((x) => ({
          name: x.regionName,
          value: [...zonePoints[x.regionCode]!, indicatorNumber(indicator, x.value) ?? 0],
          code: x.regionCode,
        })),
      },
      // the largest located projects; a click opens the project
      {
        name: '项目',
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: big ? 7 : 5,
        itemStyle: { color: '#dc2626', opacity: 0.75 },
        data: (points?.points ?? []).map((p) => ({
          name: p.name,
          value: [p.lng, p.lat],
          project: p.name,
          projectId: p.id,
          total: yiFixed(p.totalInvestment, 1),
        })),
      },
    ],
  };
}
