import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Input,
  Row,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import {
  auditActionLabel,
  auditActionLabels,
  auditEntityLabel,
  auditEntityLabels,
  type AuditEntry,
} from '@xiangmu/contracts';
import { useMe, useRegions } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, type AuditListQuery } from '../../lib/api-client';
import { formatDateTime, prettyJson } from '../../lib/format';
import { regionNames } from '../../lib/regions';

function JsonPane({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <Typography.Text strong>{title}</Typography.Text>
      {value === null || value === undefined ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无" style={{ margin: '8px 0' }} />
      ) : (
        <pre className="json-block">{prettyJson(value)}</pre>
      )}
    </div>
  );
}

export default function AuditPage() {
  const me = useMe();
  const [filters, setFilters] = useState<AuditListQuery>({ page: 1, pageSize: 20 });
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const regions = useRegions();
  const names = useMemo(() => regionNames(regions.data), [regions.data]);
  const list = useQuery({
    queryKey: ['audit', me.activeRegionCode, filters],
    queryFn: () => api.audit.list(filters),
    placeholderData: keepPreviousData,
  });
  const set = (patch: Partial<AuditListQuery>) => setFilters((f) => ({ ...f, ...patch, page: 1 }));
  const filtered = !!(
    filters.actor ||
    filters.action ||
    filters.entityType ||
    filters.regionCode ||
    filters.from ||
    filters.to
  );

  const columns: TableColumnsType<AuditEntry> = [
    { title: '时间', dataIndex: 'at', width: 170, render: formatDateTime },
    { title: '操作人', dataIndex: 'actorName', width: 200 },
    {
      title: '操作',
      dataIndex: 'action',
      width: 130,
      render: (a: string) => (
        <Tag color={a.endsWith('failed') ? 'red' : a.startsWith('auth.') ? 'blue' : 'default'}>
          {auditActionLabel(a)}
        </Tag>
      ),
    },
    {
      title: '对象',
      key: 'entity',
      width: 150,
      render: (_, e) => auditEntityLabel(e.entityType, e.entityId),
    },
    {
      title: '区域',
      dataIndex: 'regionCode',
      width: 170,
      render: (c: string | null) => (c ? (names.get(c) ?? c) : '全市（系统）'),
    },
    { title: 'IP', dataIndex: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
  ];

  return (
    <>
      <PageHeader
        title="审计日志"
        description={`${me.activeRegionName}及下级区域的所有写操作与登录记录（只读，不可修改）`}
      />
      <Card>
        <Flex gap={8} wrap className="filter-bar" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="操作人"
            onSearch={(v) => set({ actor: v.trim() || undefined })}
            style={{ width: 180 }}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部操作"
            value={filters.action}
            onChange={(action: string | undefined) => set({ action })}
            options={Object.entries(auditActionLabels).map(([value, label]) => ({ value, label }))}
            style={{ width: 160 }}
            data-testid="audit-action-filter"
          />
          <Select
            allowClear
            placeholder="全部对象"
            value={filters.entityType}
            onChange={(entityType: string | undefined) => set({ entityType })}
            options={Object.entries(auditEntityLabels).map(([value, label]) => ({ value, label }))}
            style={{ width: 130 }}
          />
          <RegionTreeSelect
            allowClear
            placeholder="全部区域"
            value={filters.regionCode}
            onChange={(regionCode) => set({ regionCode })}
            style={{ width: 180 }}
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => {
              setRange(v);
              set({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') });
            }}
            style={{ width: 250 }}
          />
          <Tooltip title="刷新">
            <Button
              className="filter-bar-keep"
              icon={<ReloadOutlined />}
              aria-label="刷新"
              onClick={() => void list.refetch()}
            />
          </Tooltip>
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        <Table<AuditEntry>
          rowKey="id"
          data-testid="audit-table"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          locale={emptyLocale(filtered ? '没有符合条件的记录' : '暂无审计记录', list.isError)}
          scroll={{ x: 'max-content' }}
          size="middle"
          expandable={{
            rowExpandable: (e) => e.before != null || e.after != null,
            expandedRowRender: (e) => (
              <Row gutter={[16, 12]} data-testid="audit-detail">
                <Col xs={24} md={12}>
                  <JsonPane title="修改前" value={e.before} />
                </Col>
                <Col xs={24} md={12}>
                  <JsonPane title="修改后" value={e.after} />
                </Col>
              </Row>
            ),
          }}
          pagination={{
            current: filters.page,
            pageSize: filters.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (t) => `共 ${t} 条`,
            onChange: (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })),
          }}
        />
      </Card>
    </>
  );
}
