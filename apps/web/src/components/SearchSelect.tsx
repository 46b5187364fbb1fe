import { useState } from 'react';
import { keepPreviousData, useQuery, type QueryKey } from '@tanstack/react-query';
import { Select } from 'antd';

/**
 * A form-compatible select whose options come from the server as the user
 * types (name search): the query key and fetch take the typed text.
 */
export function SearchSelect(props: {
  value?: number;
  onChange?: (id: number | undefined) => void;
  id?: string;
  queryKey: (q: string) => QueryKey;
  search: (q: string) => Promise<{ value: number; label: string }[]>;
  placeholder: string;
  notFound: string;
  testId: string;
  /** a preset value's option, shown before anything is searched */
  initial?: { value: number; label: string } | undefined;
}) {
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: props.queryKey(q),
    queryFn: () => props.search(q),
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
      placeholder={props.placeholder}
      loading={list.isFetching}
      notFoundContent={list.isError ? '加载失败，请重试' : props.notFound}
      options={
        props.initial && !list.data?.some((o) => o.value === props.initial!.value)
          ? [props.initial, ...(list.data ?? [])]
          : (list.data ?? [])
      }
      data-testid={props.testId}
    />
  );
}
