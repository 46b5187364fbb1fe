import type { gridLevels, Region, RegionLevel } from '@xiangmu/contracts';

export type GridLevel = (typeof gridLevels)[number];

export interface RegionNode {
  key: string;
  value: string;
  title: string;
  region: Region;
  disabled?: boolean;
  children?: RegionNode[];
}

/**
 * Turns the flat list of GET /api/regions (each with parentCode) into a tree.
 * Regions whose parent is not in the list (the top of the visible scope)
 * become roots. Order is the server's (by code).
 */
export function buildRegionTree(
  regions: readonly Region[],
  opts: { selectable?: (r: Region) => boolean } = {},
): RegionNode[] {
  const nodes = new Map<string, RegionNode>();
  for (const r of regions)
    nodes.set(r.code, {
      key: r.code,
      value: r.code,
      title: r.name,
      region: r,
      ...(opts.selectable && !opts.selectable(r) ? { disabled: true } : {}),
    });
  const roots: RegionNode[] = [];
  for (const r of regions) {
    const node = nodes.get(r.code)!;
    const parent = r.parentCode ? nodes.get(r.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

export const regionNames = (regions: readonly Region[] | undefined): Map<string, string> =>
  new Map((regions ?? []).map((r) => [r.code, r.name]));

/** The grid level that may be created below a region of this level, if any. */
export const childGridLevel: Partial<Record<RegionLevel, GridLevel>> = {
  street: 'grid1',
  grid1: 'grid2',
  grid2: 'grid3',
  grid3: 'micro',
};
