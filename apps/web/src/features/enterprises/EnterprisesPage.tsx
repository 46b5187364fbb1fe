import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Flex,
  Grid,
  Input,
  Segmented,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import { patchParams } from '../../lib/search-params';
import { enterpriseSizeLabels, type Enterprise } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { isAdmin } from '../tickets';
import { enterpriseKeys, enterprisesApi, type EnterpriseListParams } from './api';
import { EnterpriseFormModal } from './EnterpriseFormModal';

const PAGE_SIZE = 20;

/** 企业库 (万人助万企): the registry, its 包联干部 and open demands. */
export default function EnterprisesPage() {
  const me = useMe();
  const phone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState<{ enterprise: Enterprise | null; session: number } | null>(
    null,
  );
  const leader = me.role === 'leader';
  const mine = leader && params.get('scope') !== 'all';
  const q = params.get('q') ?? '';
  const regionCode = params.get('region') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const manage = isAdmin(me.role);
  const query: EnterpriseListParams = {
    page,
    pageSize: PAGE_SIZE,
    ...(q ? { q } : {}),
    ...(regionCode ? { regionCode } : {}),
    ...(mine ? { mine: 'true' as const } : {}),
  };
  const list = useQuery({
    queryKey: enterpriseKeys.list(me.activeRegionCode, query),
    queryFn: () => enterprisesApi.list(query),
    placeholderData: keepPreviousData,
  });
  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => patchParams(prev, patch));
  const open = (enterprise: Enterprise | null) =>
    setEditing((old) => ({ enterprise, session: (old?.session ?? 0) + 1 }));

  const columns: TableColumnsType<Enterprise> = [
    {
      title: '企业',
      key: 'name',
      width: 240,
      render: (_, e) => (
        <Flex vertical>
          <Typography.Text strong>{e.name}</Typography.Text>
          <Typography.Text
            type="secondary"
            style={{ fontSize: 12 }}
            copyable={{ text: e.creditCode }}
          >
            {e.creditCode}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: '行业', dataIndex: 'industry', width: 110 },
    {
      title: '规模',
      dataIndex: 'size',
      width: 70,
      render: (s: Enterprise['size']) => enterpriseSizeLabels[s],
    },
    { title: '区域', dataIndex: 'regionName', width: 170 },
    {
      title: '联系人',
      key: 'contact',
      width: 150,
      render: (_, e) => [e.contactName, e.contactPhone].filter(Boolean).join(' ') || '—',
    },
    {
      title: '包联干部',
      dataIndex: 'cadreName',
      width: 130,
      render: (n: string | null) => n ?? '—',
    },
    {
      title: '未办结诉求',
      dataIndex: 'openTickets',
      width: 100,
      align: 'right',
      render: (n: number, e) => (
        <Link
          to={`/tickets?enterprise=${e.id}&enterpriseName=${encodeURIComponent(e.name)}&status=open`}
          data-testid="enterprise-open-tickets"
        >
          {n}
        </Link>
      ),
    },
    ...(manage
      ? [
          {
            title: '操作',
            key: 'op',
            width: 80,
            render: (_: unknown, e: Enterprise) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => open(e)}
                data-testid="enterprise-edit"
              >
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="企业库"
        description="万人助万企：登记企业并指定包联干部，企业诉求按企业归集"
        extra={
          manage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open(null)}
              data-testid="enterprise-new"
            >
              登记企业
            </Button>
          )
        }
      />
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
          {leader && (
            <Segmented
              value={mine ? 'mine' : 'all'}
              onChange={(v) => set({ scope: v === 'all' ? 'all' : undefined })}
              options={[
                { value: 'mine', label: '我包联的' },
                { value: 'all', label: '全部企业' },
              ]}
              data-testid="enterprise-scope"
            />
          )}
          <Input.Search
            allowClear
            placeholder="企业名称或统一社会信用代码"
            defaultValue={q}
            key={q}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            style={{ width: phone ? '100%' : 280 }}
            data-testid="enterprise-search"
          />
          <RegionTreeSelect
            allowClear
            maxLevel="street"
            placeholder="全部区域"
            value={regionCode}
            onChange={(v) => set({ region: v })}
            style={{ width: phone ? '100%' : 200 }}
          />
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        <Table<Enterprise>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          scroll={{ x: 'max-content' }}
          locale={emptyLocale(
            q || regionCode
              ? '没有符合条件的企业'
              : mine
                ? '您还没有包联的企业，可切换到“全部企业”查看'
                : manage
                  ? '还没有登记企业：点击“登记企业”添加，并指定包联干部'
                  : '还没有登记企业',
            list.isError,
          )}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: (p) => set({ page: String(p) }),
            showSizeChanger: false,
            hideOnSinglePage: true,
            showTotal: (n) => `共 ${n} 家企业`,
          }}
          data-testid="enterprise-table"
        />
      </Card>
      {editing && (
        <EnterpriseFormModal
          key={editing.session}
          enterprise={editing.enterprise}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
