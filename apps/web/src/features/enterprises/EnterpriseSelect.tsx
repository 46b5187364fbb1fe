import { useMe } from '../../session';
import { SearchSelect } from '../../components/SearchSelect';
import { enterpriseKeys, enterprisesApi } from './api';

const paramsOf = (q: string, mine: boolean) => ({
  page: 1,
  pageSize: 20,
  ...(q ? { q } : {}),
  ...(mine ? { mine: 'true' as const } : {}),
});

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
  const mine = me.role === 'leader';
  return (
    <SearchSelect
      {...props}
      queryKey={(q) => enterpriseKeys.list(me.activeRegionCode, paramsOf(q, mine))}
      search={async (q) =>
        (await enterprisesApi.list(paramsOf(q, mine))).items.map((e) => ({
          value: e.id,
          label: e.name,
        }))
      }
      placeholder="输入企业名称或统一社会信用代码搜索"
      notFound={
        mine
          ? '没有匹配的包联企业（企业须先登记到企业库）'
          : '没有匹配的企业（企业须先登记到企业库）'
      }
      testId="ticket-enterprise"
    />
  );
}
