import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ticketTimeLimitLabel, type TicketCategory, type TicketSource } from '@xiangmu/contracts';
import { useDepartments, useMe, useRegions } from '../../session';
import { ticketsApi } from './api';
import { ticketKeys } from './model';

export function useTicketCategories() {
  const me = useMe();
  return useQuery({
    queryKey: ticketKeys.categories(me.activeRegionCode),
    queryFn: ticketsApi.categories,
    staleTime: 5 * 60_000,
  });
}

/** Category options, optionally of some sources only; "用地保障（10个工作日）" */
export function categoryOptions(
  categories: readonly TicketCategory[] | undefined,
  sources?: readonly TicketSource[],
  opts: { activeOnly?: boolean; withLimit?: boolean } = {},
) {
  return (categories ?? [])
    .filter((c) => (!sources || sources.includes(c.source)) && (!opts.activeOnly || c.active))
    .map((c) => ({
      value: c.id,
      label: opts.withLimit ? `${c.name}（${ticketTimeLimitLabel(c.timeLimit)}）` : c.name,
    }));
}

/**
 * 承办单位 options for a ticket: the departments of its region or of a region
 * above it (the same rule as the 责任单位 picker of 问题台账).
 */
export function useUnitOptions(regionCode: string | undefined) {
  const regions = useRegions();
  const departments = useDepartments();
  const options = useMemo(() => {
    const parent = new Map((regions.data ?? []).map((r) => [r.code, r.parentCode]));
    const chain = new Set<string>();
    for (let c: string | null | undefined = regionCode; c; c = parent.get(c)) chain.add(c);
    return (departments.data ?? [])
      .filter((d) => chain.size === 0 || chain.has(d.regionCode))
      .map((d) => ({ value: d.id, label: `${d.name}（${d.regionName}）` }));
  }, [regions.data, departments.data, regionCode]);
  return { options, loading: departments.isLoading || regions.isLoading };
}
