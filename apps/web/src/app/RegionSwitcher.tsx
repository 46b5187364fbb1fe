import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { App, TreeSelect } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { api, errorText } from '../lib/api-client';
import { buildRegionTree } from '../lib/regions';
import { useAuth, useMe } from '../session';

/**
 * Header region switcher. The choices come from GET /api/me/regions — the
 * user's own (home) region and everything below it down to streets — so they
 * stay the same whichever region is active; GET /api/regions would only list
 * the active region's subtree. Choosing one calls PUT /api/me/region and then
 * reloads every query (auth.switchRegion).
 */
export function RegionSwitcher({ compact }: { compact: boolean }) {
  const me = useMe();
  const { switchRegion } = useAuth();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const regions = useQuery({
    queryKey: ['me', 'regions', me.id, me.regionCode],
    queryFn: () => api.auth.switchableRegions('street'),
    staleTime: 10 * 60_000,
  });
  const treeData = useMemo(() => buildRegionTree(regions.data ?? []), [regions.data]);

  async function onChange(v: { value: string; label: React.ReactNode } | undefined) {
    if (!v || v.value === me.activeRegionCode) return;
    setBusy(true);
    try {
      const next = await switchRegion(v.value);
      message.success(`已切换到${next.activeRegionName}`);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <TreeSelect
      data-testid="region-switcher"
      aria-label="切换当前区域"
      labelInValue
      value={{ value: me.activeRegionCode, label: me.activeRegionName }}
      onChange={onChange}
      treeData={treeData}
      loading={regions.isLoading || busy}
      disabled={busy}
      prefix={<EnvironmentOutlined />}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandedKeys={[me.regionCode, me.activeRegionCode]}
      notFoundContent={regions.isError ? '区域加载失败' : '无匹配区域'}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 260 } } }}
      placement="bottomRight"
      style={{ width: compact ? 150 : 240 }}
      title={`当前区域：${me.activeRegionName}`}
    />
  );
}
