import dayjs from 'dayjs';
import type { Campaign, Role } from '@xiangmu/contracts';

/** Mirrors the server's permission table: campaign.create and campaign.lock are city-level. */
export const canOpenCampaign = (role: Role) => role === 'city_admin';
export const canLockBatch = canOpenCampaign;
/** campaign.entry.manage */
export const canManageEntries = (role: Role) => role === 'city_admin' || role === 'district_admin';

export const campaignsKey = (region: string) => ['campaigns', region, 'list'] as const;

/** 0–1 → "100%", "87.5%"; null → "—" */
export function percent(rate: number | null): string {
  if (rate === null) return '—';
  return `${Math.round(rate * 1000) / 10}%`;
}

/** 进行中 while open and not past its end date */
export const isRunning = (c: Campaign) =>
  c.status === 'open' && !dayjs().isAfter(dayjs(c.endsOn), 'day');
