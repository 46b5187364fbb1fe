import dayjs, { type Dayjs } from 'dayjs';
import type { Project, ProjectLevel } from '@xiangmu/contracts';
import type { CreateProjectInput } from '../../lib/api-client';
import { emptyToNull } from '../../lib/forms';
import { wanNotGreater, wanToYiInput, yiInputToWan } from '../../lib/money';

export interface ProjectFormValues {
  name: string;
  ownerName: string;
  /** empty: 待补充 (a ledger import without it) */
  ownerCreditCode: string;
  regionCode?: string | undefined;
  industryCluster?: string | undefined;
  industryCode?: string | undefined;
  level?: ProjectLevel | undefined;
  content?: string | undefined;
  /** 亿元, as typed */
  totalInvestment: string;
  /** 亿元, as typed */
  annualPlan: string;
  planYear: number;
  plannedStart?: Dayjs | null;
  plannedEnd?: Dayjs | null;
  leaderName?: string | undefined;
  departmentId?: number | null;
  contactName?: string | undefined;
  contactPhone?: string | undefined;
  lng?: number | null;
  lat?: number | null;
  tags: string[];
}

export type ProjectFields = Omit<CreateProjectInput, 'stage'>;
export type ProjectField = keyof ProjectFields;

export const toFormValues = (p: Project): ProjectFormValues => ({
  name: p.name,
  ownerName: p.ownerName,
  ownerCreditCode: p.ownerCreditCode ?? '',
  regionCode: p.regionCode,
  industryCluster: p.industryCluster,
  industryCode: p.industryCode ?? '',
  level: p.level,
  content: p.content,
  totalInvestment: wanToYiInput(p.totalInvestment),
  annualPlan: wanToYiInput(p.annualPlan),
  planYear: p.planYear,
  plannedStart: p.plannedStart ? dayjs(p.plannedStart) : null,
  plannedEnd: p.plannedEnd ? dayjs(p.plannedEnd) : null,
  leaderName: p.leaderName ?? '',
  departmentId: p.departmentId,
  contactName: p.contactName ?? '',
  contactPhone: p.contactPhone ?? '',
  lng: p.lng,
  lat: p.lat,
  tags: p.tags,
});

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

/** The API body for the form's values (亿元 → 万元, '' → null). */
export const toRequest = (v: ProjectFormValues): ProjectFields => ({
  name: v.name.trim(),
  ownerName: v.ownerName.trim(),
  ownerCreditCode: v.ownerCreditCode.trim() ? v.ownerCreditCode.trim().toUpperCase() : null,
  regionCode: v.regionCode ?? '',
  industryCluster: (v.industryCluster ?? '') as ProjectFields['industryCluster'],
  industryCode: emptyToNull(v.industryCode)?.toUpperCase() ?? null,
  level: v.level ?? 'district',
  content: (v.content ?? '').trim(),
  totalInvestment: yiInputToWan(v.totalInvestment) ?? '',
  annualPlan: yiInputToWan(v.annualPlan) ?? '',
  planYear: v.planYear,
  plannedStart: day(v.plannedStart),
  plannedEnd: day(v.plannedEnd),
  leaderName: emptyToNull(v.leaderName),
  departmentId: v.departmentId ?? null,
  contactName: emptyToNull(v.contactName),
  contactPhone: emptyToNull(v.contactPhone),
  lng: v.lng ?? null,
  lat: v.lat ?? null,
  tags: v.tags.map((t) => t.trim()).filter(Boolean),
});

/** Fields whose request values differ (money compared as amounts, not strings). */
export function changedFields(a: ProjectFields, b: ProjectFields): ProjectField[] {
  const same = (k: ProjectField) => {
    const x = a[k];
    const y = b[k];
    if (k === 'totalInvestment' || k === 'annualPlan') {
      const s = String(x ?? '');
      const t = String(y ?? '');
      return s && t ? wanNotGreater(s, t) && wanNotGreater(t, s) : s === t;
    }
    return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  };
  return (Object.keys(a) as ProjectField[]).filter((k) => !same(k));
}
