import { useQuery } from '@tanstack/react-query';
import type { RegionLevel } from '@xiangmu/contracts';
import { api } from '../lib/api-client';
import { useAuth } from './auth';

/**
 * Shared lists. Keys carry the active region: every list the API returns is
 * limited to it, and switching region must never show another scope's rows.
 */
export function useRegions(maxLevel?: RegionLevel) {
  const scope = useAuth().me?.activeRegionCode;
  return useQuery({
    queryKey: ['regions', scope, maxLevel ?? 'all'],
    queryFn: () => api.regions.list(maxLevel ? { maxLevel } : {}),
    staleTime: 5 * 60_000,
  });
}

export function useDepartments(regionCode?: string, enabled = true) {
  const scope = useAuth().me?.activeRegionCode;
  return useQuery({
    queryKey: ['departments', scope, regionCode ?? 'all'],
    queryFn: () => api.departments.list(regionCode ? { regionCode } : {}),
    enabled,
  });
}
