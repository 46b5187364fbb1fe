import { Flex, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { ticketStatusLabels, type Ticket } from '@xiangmu/contracts';
import { dueState, isOpenStatus, statusColors } from './model';

/** 已反馈 until the requester rates the reply; rated, it waits to be closed: 已评价·待办结 */
export function TicketStatusTag({
  ticket: t,
}: {
  ticket: Pick<Ticket, 'status'> & Partial<Pick<Ticket, 'rating'>>;
}) {
  const rated = t.status === 'replied' && !!t.rating;
  return (
    <Tag
      color={statusColors[t.status]}
      style={{ marginInlineEnd: 0 }}
      data-status={t.status}
      data-testid="ticket-status"
    >
      {rated ? '已评价·待办结' : ticketStatusLabels[t.status]}
    </Tag>
  );
}

/** red 超期 or orange 即将到期 */
export function DueTag({ ticket: t }: { ticket: Pick<Ticket, 'status' | 'overdue' | 'dueSoon'> }) {
  const state = dueState(t);
  if (!state) return null;
  return state === 'overdue' ? (
    <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="ticket-overdue">
      超期
    </Tag>
  ) : (
    <Tag color="orange" style={{ marginInlineEnd: 0 }} data-testid="ticket-due-soon">
      即将到期
    </Tag>
  );
}

/** a working-day limit ends at midnight: shown as 24:00 of its last day, as the notices write it */
export function formatDue(iso: string) {
  const d = dayjs(iso);
  if (d.hour() === 0 && d.minute() === 0)
    return `${d.subtract(1, 'day').format('YYYY-MM-DD')} 24:00`;
  return d.format('YYYY-MM-DD HH:mm');
}

/** 办理期限: the due time (red when overdue) and its tag */
export function DueCell({ ticket: t }: { ticket: Ticket }) {
  const open = isOpenStatus(t.status);
  return (
    <Flex gap={4} wrap align="center" data-testid="ticket-due">
      <Typography.Text type={t.overdue ? 'danger' : open ? undefined : 'secondary'}>
        {formatDue(t.dueAt)}
      </Typography.Text>
      <DueTag ticket={t} />
    </Flex>
  );
}
