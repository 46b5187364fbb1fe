import { useLayoutEffect, useRef, useState } from 'react';
import { Descriptions, Flex, Popover, Typography } from 'antd';
import { Link } from 'react-router';
import {
  milestoneStatusLabels,
  projectStageLabels,
  type Milestone,
  type MilestoneStatus,
} from '@xiangmu/contracts';
import type { BattleChartRow } from './api';
import { makeAxis, monthTicks, xOf, type MonthTick } from './chart-scale';
import { statusColors } from './model';
import { MilestoneStatusTag } from './tags';

/** header: month labels on top, the "今天" badge below them */
const HEADER_HEIGHT = 40;
const MONTH_LINE = 22;
const MARKER = 14;
/** the band holding a project's nodes: beside a two-line name on wide screens */
const TRACK_HEIGHT = 46;
const COMPACT_TRACK_HEIGHT = 34;
/** on phones the project name is a line of its own above the track */
const NAME_BAND = 20;

function NodeDetails({ m }: { m: Milestone }) {
  return (
    <Flex vertical gap={8} style={{ maxWidth: 280 }} data-testid="battle-node-details">
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'n', label: '节点', children: m.name },
          { key: 's', label: '状态', children: <MilestoneStatusTag status={m.status} /> },
          { key: 'd', label: '截止日期', children: m.dueOn },
          { key: 'o', label: '责任人', children: m.ownerName },
          ...(m.doneOn ? [{ key: 'f', label: '完成日期', children: m.doneOn }] : []),
          ...(m.evidence
            ? [
                {
                  key: 'e',
                  label: '完成依据',
                  children: (
                    <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 3 }}>
                      {m.evidence}
                    </Typography.Paragraph>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Link to={`/projects/${m.projectId}`} data-testid="battle-node-project-link">
        查看项目：{m.projectName}
      </Link>
    </Flex>
  );
}

/** A node on the axis: a dot in its 红黄绿灯 colour, a grey diamond once done. */
function Marker(props: { m: Milestone; x: number; top: number; dim: boolean; touch: boolean }) {
  const { m } = props;
  const done = m.status === 'done';
  return (
    <Popover
      trigger={props.touch ? 'click' : ['hover', 'focus']}
      title={m.projectName}
      content={<NodeDetails m={m} />}
      destroyOnHidden
    >
      <button
        type="button"
        data-testid="battle-node"
        data-status={m.status}
        aria-label={`${m.name}，截止${m.dueOn}，${milestoneStatusLabels[m.status]}`}
        style={{
          position: 'absolute',
          left: props.x - MARKER / 2,
          top: props.top - MARKER / 2,
          width: MARKER,
          height: MARKER,
          padding: 0,
          border: '2px solid #fff',
          borderRadius: done ? 2 : '50%',
          transform: done ? 'rotate(45deg) scale(0.85)' : undefined,
          background: statusColors[m.status],
          boxShadow: '0 0 0 1px rgba(0,0,0,0.15)',
          cursor: 'pointer',
          opacity: props.dim ? 0.25 : 1,
          zIndex: m.status === 'red' ? 3 : 2,
        }}
      />
    </Popover>
  );
}

/** rough width of a label: CJK characters are twice as wide as digits */
const textWidth = (s: string) => [...s].reduce((n, c) => n + (c.charCodeAt(0) < 128 ? 7 : 12), 8);

/** "2026年10月" where it fits, else "26年10月", else "10月", else nothing */
function tickLabel(t: MonthTick): string {
  const short = t.label.replace(/^\d\d(\d\d年)/, '$1');
  const month = t.label.replace(/^\d+年/, '');
  return [t.label, short, month].find((l) => textWidth(l) <= t.span) ?? '';
}

const ellipsis = {
  whiteSpace: 'nowrap',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
} as const;

/**
 * 作战图: one row per project, its nodes on a shared time axis with month
 * ticks and a line for today. Self-drawn with positioned elements (no chart
 * library): the axis maths is in chart-scale.ts. On wide screens the project
 * names are a column on the left that stays put while the axis scrolls; on
 * phones (`compact`) each name is a line above its nodes.
 */
export function BattleChart(props: {
  rows: BattleChartRow[];
  from: string;
  to: string;
  today: string;
  /** nodes not of this status are faded */
  status?: MilestoneStatus | undefined;
  compact?: boolean;
  /** width of the name column on wide screens */
  labelWidth?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [boxWidth, setBoxWidth] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setBoxWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const compact = !!props.compact;
  const labelWidth = compact ? 0 : (props.labelWidth ?? 260);
  const nameBand = compact ? NAME_BAND : 0;
  const trackHeight = compact ? COMPACT_TRACK_HEIGHT : TRACK_HEIGHT;
  const rowHeight = nameBand + trackHeight;
  // at least 2 px a day: a year is about 730 px, more scrolls sideways inside the box
  const axis = makeAxis(props.from, props.to, Math.max(0, boxWidth - labelWidth), 2);
  const ticks = monthTicks(axis);
  const todayX = xOf(axis, props.today);
  const height = HEADER_HEIGHT + props.rows.length * rowHeight;
  const line = '1px solid #f0f0f0';
  /** the region is worth a mention only when the rows are from several */
  const manyRegions = new Set(props.rows.map((r) => r.regionName)).size > 1;

  return (
    <div
      ref={box}
      data-testid="battle-chart"
      style={{
        overflowX: 'auto',
        border: line,
        borderRadius: 6,
        WebkitOverflowScrolling: 'touch',
      }}
    >
      {boxWidth > 0 && (
        <div style={{ position: 'relative', width: labelWidth + axis.width, height }}>
          {!compact && (
            <div
              style={{
                position: 'sticky',
                left: 0,
                width: labelWidth,
                height: HEADER_HEIGHT,
                lineHeight: `${HEADER_HEIGHT}px`,
                paddingInline: 8,
                boxSizing: 'border-box',
                background: '#fafafa',
                borderBottom: line,
                borderInlineEnd: line,
                fontWeight: 600,
                zIndex: 6,
              }}
            >
              项目
            </div>
          )}
          <div
            data-testid="battle-axis"
            style={{
              position: 'absolute',
              top: 0,
              left: labelWidth,
              width: axis.width,
              height: HEADER_HEIGHT,
              background: '#fafafa',
              borderBottom: line,
            }}
          >
            {ticks.map((t) => (
              <div
                key={t.date}
                data-testid="battle-month"
                style={{
                  position: 'absolute',
                  left: t.x,
                  width: t.span,
                  height: HEADER_HEIGHT,
                  lineHeight: `${MONTH_LINE}px`,
                  paddingInlineStart: 4,
                  boxSizing: 'border-box',
                  borderInlineStart: '1px solid #e5e5e5',
                  fontSize: 12,
                  color: '#595959',
                  ...ellipsis,
                  textOverflow: 'clip',
                }}
              >
                {tickLabel(t)}
              </div>
            ))}
          </div>

          {/* month lines behind the rows */}
          <div
            aria-hidden
            style={{
              position: 'absolute',
              top: HEADER_HEIGHT,
              left: labelWidth,
              width: axis.width,
              height: height - HEADER_HEIGHT,
              pointerEvents: 'none',
            }}
          >
            {ticks.map((t) => (
              <div
                key={t.date}
                style={{
                  position: 'absolute',
                  left: t.x,
                  top: 0,
                  bottom: 0,
                  borderInlineStart: '1px dashed #ececec',
                }}
              />
            ))}
          </div>
          {todayX !== null && (
            <div
              data-testid="battle-today"
              title={`今天 ${props.today}`}
              style={{
                position: 'absolute',
                top: MONTH_LINE,
                left: labelWidth + todayX,
                height: height - MONTH_LINE,
                borderInlineStart: '2px solid #1554ad',
                zIndex: 4,
                pointerEvents: 'none',
              }}
            >
              <span
                style={{
                  position: 'absolute',
                  top: 0,
                  left: -15,
                  padding: '0 4px',
                  fontSize: 11,
                  lineHeight: '16px',
                  color: '#fff',
                  background: '#1554ad',
                  borderRadius: 3,
                  whiteSpace: 'nowrap',
                }}
              >
                今天
              </span>
            </div>
          )}

          {props.rows.map((r, i) => {
            const placed = r.milestones
              .map((m) => ({ m, x: xOf(axis, m.dueOn) }))
              .filter((p): p is { m: Milestone; x: number } => p.x !== null);
            const outside = r.milestones.length - placed.length;
            const xs = placed.map((p) => p.x);
            const red = r.milestones.some((m) => m.status === 'red');
            const facts = [
              manyRegions ? r.regionName : null,
              projectStageLabels[r.stage],
              r.leaderName ? `包保 ${r.leaderName}` : null,
              outside > 0 ? `窗口外${outside}个节点` : null,
            ]
              .filter(Boolean)
              .join(' · ');
            const name = (
              <Link
                to={`/projects/${r.projectId}`}
                title={r.projectName}
                data-testid="battle-project-link"
                style={{ ...ellipsis, color: red ? statusColors.red : undefined }}
              >
                {r.projectName}
              </Link>
            );
            return (
              <div
                key={r.projectId}
                data-testid="battle-row"
                data-project-id={r.projectId}
                style={{
                  position: 'absolute',
                  top: HEADER_HEIGHT + i * rowHeight,
                  left: 0,
                  width: labelWidth + axis.width,
                  height: rowHeight,
                  boxSizing: 'border-box',
                  borderBottom: line,
                  background: i % 2 ? '#fcfcfd' : undefined,
                }}
              >
                {compact ? (
                  <div
                    style={{
                      position: 'sticky',
                      left: 0,
                      width: Math.max(0, boxWidth - 8),
                      height: nameBand,
                      paddingInline: 8,
                      boxSizing: 'border-box',
                      display: 'flex',
                      gap: 6,
                      alignItems: 'baseline',
                      fontSize: 13,
                      lineHeight: `${nameBand}px`,
                      zIndex: 5,
                    }}
                  >
                    <span style={{ ...ellipsis, background: 'rgba(255,255,255,0.85)' }}>
                      {name}
                    </span>
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 11, flex: 'none', background: 'rgba(255,255,255,0.85)' }}
                    >
                      {r.leaderName ?? projectStageLabels[r.stage]}
                    </Typography.Text>
                  </div>
                ) : (
                  <div
                    style={{
                      position: 'sticky',
                      left: 0,
                      width: labelWidth,
                      height: rowHeight - 1,
                      padding: '3px 8px',
                      boxSizing: 'border-box',
                      background: '#fff',
                      borderInlineEnd: line,
                      zIndex: 5,
                      display: 'flex',
                      flexDirection: 'column',
                      justifyContent: 'center',
                      overflow: 'hidden',
                    }}
                  >
                    {name}
                    <Typography.Text type="secondary" style={{ fontSize: 11, ...ellipsis }}>
                      {facts}
                    </Typography.Text>
                  </div>
                )}
                <div
                  style={{
                    position: 'absolute',
                    top: nameBand,
                    left: labelWidth,
                    width: axis.width,
                    height: trackHeight,
                  }}
                >
                  {xs.length > 1 && (
                    <div
                      aria-hidden
                      style={{
                        position: 'absolute',
                        left: Math.min(...xs),
                        width: Math.max(...xs) - Math.min(...xs),
                        top: trackHeight / 2 - 2,
                        height: 4,
                        borderRadius: 2,
                        background: '#d9e3f2',
                      }}
                    />
                  )}
                  {placed.map(({ m, x }) => (
                    <Marker
                      key={m.id}
                      m={m}
                      x={x}
                      top={trackHeight / 2}
                      dim={!!props.status && props.status !== m.status}
                      touch={compact}
                    />
                  ))}
                </div>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
