import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useMe } from '../../app/auth';
import { enterpriseKeys, enterprisesApi } from './api';

/**
 * An enterprise of the registry, searched by name or 统一社会信用代码. A
 * 包联干部 is offered his own enterprises (mine=true). Form-compatible.
 */
export function EnterpriseSelect(props: {
  value?: number;
  onChange?: (id: number | undefined) => void;
  id?: string;
}) {
  const me = useMe();
  const [q, setQ] = useState('');
  const mine = me.role === 'leader';
  const params = {
    page: 1,
    pageSize: 20,
    ...(q ? { q } : {}),
    ...(mine ? { mine: 'true' as const } : {}),
  };
  const list = useQuery({
    queryKey: enterpriseKeys.list(me.activeRegionCode, params),
    queryFn: () => enterprisesApi.list(params),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  return (
    <Select
      id={props.id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={props.value}
      onChange={(v: number | undefined) => props.onChange?.(v)}
      placeholder="输入企业名称或统一社会信用代码搜索"
      loading={list.isFetching}
      notFoundContent={
        list.isError
          ? '企业加载失败'
          : mine
            ? '没有匹配的包联企业（企业须先登记到企业库）'
            : '没有匹配的企业（企业须先登记到企业库）'
      }
      options={(list.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
      data-testid="ticket-enterprise"
    />
  );
}
