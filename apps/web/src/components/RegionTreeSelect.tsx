import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import type { Region, RegionLevel } from '@xiangmu/contracts';
import { useRegions } from '../session';
import { buildRegionTree } from '../lib/regions';

interface Props {
  value?: string | undefined;
  onChange?: (value: string | undefined) => void;
  /** deepest level offered (default: all levels incl. grids) */
  maxLevel?: RegionLevel;
  /** nodes that fail this test are shown but cannot be chosen */
  selectable?: (r: Region) => boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
  'data-testid'?: string;
}

/** A region picker over the regions the user can see (active region and below). Form-compatible. */
export function RegionTreeSelect({ value, onChange, maxLevel, selectable, ...rest }: Props) {
  const regions = useRegions(maxLevel);
  const treeData = useMemo(
    () => buildRegionTree(regions.data ?? [], selectable ? { selectable } : {}),
    [regions.data, selectable],
  );
  return (
    <TreeSelect
      id={rest.id}
      data-testid={rest['data-testid']}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      treeData={treeData}
      loading={regions.isLoading}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandedKeys={treeData.map((n) => n.key)}
      placeholder={rest.placeholder ?? '请选择区域'}
      allowClear={rest.allowClear}
      notFoundContent={regions.isError ? '区域加载失败' : '无匹配区域'}
      popupMatchSelectWidth={false}
      style={{ width: '100%', ...rest.style }}
    />
  );
}
