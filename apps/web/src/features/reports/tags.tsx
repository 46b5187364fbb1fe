import { Progress, Tag, Tooltip, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { ReportStatus } from '@xiangmu/contracts';
import { monthLabel, reportStatusTagColors, reportStatusText } from './model';

export function ReportStatusTag({ status }: { status: ReportStatus }) {
  return (
    <Tag
      color={reportStatusTagColors[status]}
      style={{ marginInlineEnd: 0 }}
      data-status={status}
      data-testid="report-status"
    >
      {reportStatusText[status]}
    </Tag>
  );
}

/** First submitted after the deadline (the 5th of the next month). */
export function LateTag({ deadline }: { deadline?: string | undefined }) {
  const tag = (
    <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="report-late">
      逾期填报
    </Tag>
  );
  return deadline ? <Tooltip title={`按时报送截止 ${deadline}`}>{tag}</Tooltip> : tag;
}

/** Why a closed month refuses changes (shown wherever a closed month is). */
export const closedExplanation = (month?: string) =>
  `${month ? `${monthLabel(month)}的` : '该月'}调度已关闭，报告不能再填报或修改；确需调整请联系市级管理员重新开放。`;

export function ClosedTag({ month }: { month?: string | undefined }) {
  return (
    <Tooltip title={closedExplanation(month)}>
      <Tag icon={<LockOutlined />} style={{ marginInlineEnd: 0 }} data-testid="month-closed">
        已关闭
      </Tag>
    </Tooltip>
  );
}

/** 年度完成率 as a bar with the exact figure; green once the plan is met. */
export function CompletionBar({ percent, width }: { percent: string | null; width?: number }) {
  if (percent === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const n = Number(percent);
  return (
    <Progress
      percent={Math.min(100, n)}
      format={() => `${percent}%`}
      size={width ? { width } : 'small'}
      status={n >= 100 ? 'success' : 'normal'}
      style={{ margin: 0, minWidth: width ?? 120 }}
    />
  );
}
