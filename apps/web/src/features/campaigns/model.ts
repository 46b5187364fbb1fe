import dayjs from 'dayjs';
import type { BatchKind, Campaign, ProjectStage, Role } from '@xiangmu/contracts';

/** Mirrors the server's permission table: campaign.create and campaign.lock are city-level. */
export const canOpenCampaign = (role: Role) => role === 'city_admin';
export const canLockBatch = canOpenCampaign;
/** campaign.entry.manage */
export const canManageEntries = (role: Role) => role === 'city_admin' || role === 'district_admin';

/** Same rule as the server (campaign.service.ts batchStages). */
export const batchStages: Record<BatchKind, ProjectStage[]> = {
  sign: ['planned', 'negotiating', 'signed'],
  start: ['signed', 'preparing', 'building'],
  produce: ['building', 'completed', 'operating'],
};

export const campaignsKey = (region: string) => ['campaigns', region, 'list'] as const;

/** 0–1 → "100%", "87.5%"; null → "—" */
export function percent(rate: number | null): string {
  if (rate === null) return '—';
  return `${Math.round(rate * 1000) / 10}%`;
}

/** 进行中 while open and not past its end date */
export const isRunning = (c: Campaign) =>
  c.status === 'open' && !dayjs().isAfter(dayjs(c.endsOn), 'day');
