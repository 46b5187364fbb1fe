import { Tag } from 'antd';
import type { Problem } from '@xiangmu/contracts';

/** 未销号 / 逾期未销号 / 已销号 */
export function ProblemStatusTag({ problem: p }: { problem: Pick<Problem, 'status' | 'overdue'> }) {
  const state = p.status === 'closed' ? 'closed' : p.overdue ? 'overdue' : 'open';
  const look = {
    open: { color: 'processing', text: '未销号' },
    overdue: { color: 'error', text: '逾期未销号' },
    closed: { color: 'success', text: '已销号' },
  }[state];
  return (
    <Tag
      color={look.color}
      style={{ marginInlineEnd: 0 }}
      data-status={state}
      data-testid="problem-status"
    >
      {look.text}
    </Tag>
  );
}
