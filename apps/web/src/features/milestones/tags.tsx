import { Tag } from 'antd';
import { milestoneStatusLabels, type MilestoneStatus } from '@xiangmu/contracts';
import { statusColors, statusTagColors } from './model';

/** 红黄绿灯: 逾期 / 临期 / 正常, and 已完成 in grey. */
export function MilestoneStatusTag({ status }: { status: MilestoneStatus }) {
  return (
    <Tag
      color={statusTagColors[status]}
      style={{ marginInlineEnd: 0 }}
      data-status={status}
      data-testid="milestone-status"
    >
      <span
        aria-hidden
        style={{
          display: 'inline-block',
          width: 8,
          height: 8,
          borderRadius: '50%',
          background: statusColors[status],
          marginInlineEnd: 4,
          verticalAlign: 'baseline',
        }}
      />
      {milestoneStatusLabels[status]}
    </Tag>
  );
}
