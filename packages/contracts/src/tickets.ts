// Closed-loop service tickets (issue 5): the vocabulary shared by the server
// and the UI. One engine serves every source; docs/adr/0011-ticket-engine.md.

export const ticketSources = ['enterprise', 'request', 'grid', 'project'] as const;
export type TicketSource = (typeof ticketSources)[number];
export const ticketSourceLabels: Record<TicketSource, string> = {
  enterprise: '万人助万企',
  request: '有诉即办',
  grid: '网格事件',
  project: '项目问题',
};

/**
 * 待受理 → 已受理 → 已派遣 → 处置中 → 已反馈 → 已办结; 退回 goes back to
 * 已受理 for another dispatch; 已合并 closes a duplicate into another ticket.
 */
export const ticketStatuses = [
  'submitted',
  'accepted',
  'dispatched',
  'handling',
  'replied',
  'closed',
  'merged',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const ticketStatusLabels: Record<TicketStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  dispatched: '已派遣',
  handling: '处置中',
  replied: '已反馈',
  closed: '已办结',
  merged: '已合并',
};

export const ticketActions = [
  'accept',
  'dispatch',
  'return',
  'start',
  'reply',
  'rate',
  'close',
  'reassign',
  'merge',
  'supervise',
  'escalate',
] as const;
export type TicketAction = (typeof ticketActions)[number];
export const ticketActionLabels: Record<TicketAction, string> = {
  accept: '受理',
  dispatch: '派遣',
  return: '退回',
  start: '开始处置',
  reply: '反馈',
  rate: '评价',
  close: '办结',
  reassign: '改派',
  merge: '合并',
  supervise: '督办',
  escalate: '升级',
};

export const ticketRatings = ['satisfied', 'basic', 'unsatisfied'] as const;
export type TicketRating = (typeof ticketRatings)[number];
export const ticketRatingLabels: Record<TicketRating, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
};

/** where a ticket is handled, and where it was resolved (小事不出家门 … 要事不出区) */
export const ticketLevels = ['grid', 'street', 'district', 'city'] as const;
export type TicketLevel = (typeof ticketLevels)[number];
export const ticketLevelLabels: Record<TicketLevel, string> = {
  grid: '网格',
  street: '街道',
  district: '区县',
  city: '市级',
};

/** a category's time limit: working days on the official calendar, or clock hours */
export interface TicketTimeLimit {
  value: number;
  unit: 'working_days' | 'hours';
}
