import { z } from 'zod';
import type { TicketStatus } from './tickets';

/**
 * 问题台账: a problem raised on a project is a ticket of source 'project'
 * (docs/adr/0015-project-problems-are-tickets.md). The ledger is a view of
 * those tickets; this file holds only the words the ledger uses for them.
 */

/** where a project problem stands, as the ledger says it */
export type ProblemLedgerState = 'waiting' | 'rectifying' | 'toClose' | 'closed' | 'merged';
export const problemLedgerStateLabels: Record<ProblemLedgerState, string> = {
  waiting: '待派遣',
  rectifying: '整改中',
  toClose: '待销号',
  closed: '已销号',
  merged: '已合并',
};
export function problemLedgerState(status: TicketStatus): ProblemLedgerState {
  if (status === 'submitted' || status === 'accepted') return 'waiting';
  if (status === 'dispatched' || status === 'handling') return 'rectifying';
  if (status === 'replied') return 'toClose';
  return status;
}

/** GET /api/problems/:id — where a problem of the old ledger now lives */
export const legacyProblemResponse = z.object({ ticketId: z.number() });
