import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Grid,
  Input,
  Select,
  Tag,
  Typography,
} from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useNavigate, useSearchParams } from 'react-router';
import {
  ticketLevelLabels,
  ticketLevels,
  ticketSourceLabels,
  ticketSources,
  ticketStatuses,
  ticketStatusLabels,
} from '@xiangmu/contracts';
import { useDepartments, useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { errorText, saveBlob } from '../../lib/api-client';
import { canReadDepartments } from '../projects';
import { ticketsApi, type TicketFilters, type TicketListParams } from './api';
import { positiveParam, ticketKeys, TICKET_CREATORS, TICKET_EXPORTERS } from './model';
import { categoryOptions, useTicketCategories } from './queries';
import { TicketList } from './TicketList';

const PAGE_SIZE = 20;
const DATE = 'YYYY-MM-DD';
const csv = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

const statusOptions = [
  { value: 'open', label: '未办结' },
  { value: 'overdue', label: '超期' },
  ...ticketStatuses.map((s) => ({ value: s, label: ticketStatusLabels[s] })),
];

/** The filters of the ledger, kept in the address (so a link can carry them). */
function useLedgerFilters() {
  const [params, setParams] = useSearchParams();
  const filters: TicketFilters = {
    q: params.get('q') ?? undefined,
    regionCode: params.get('region') ?? undefined,
    source: params.get('source') ?? undefined,
    status: params.get('status') ?? undefined,
    level: params.get('level') ?? undefined,
    categoryId: positiveParam(params.get('category')),
    departmentId: positiveParam(params.get('department')),
    enterpriseId: positiveParam(params.get('enterprise')),
    projectId: positiveParam(params.get('project')),
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch))
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      if (!('page' in patch)) next.delete('page');
      return next;
    });
  return { params, filters, page, set };
}

/** 工单台账: every ticket the caller may see, filtered, counted and exported. */
export default function TicketsPage() {
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const phone = !Grid.useBreakpoint().md;
  const { params, filters, page, set } = useLedgerFilters();
  const categories = useTicketCategories();
  const departments = useDepartments(undefined, canReadDepartments(me.role));
  const [exporting, setExporting] = useState(false);
  const [more, setMore] = useState(false);

  const clean = Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined),
  ) as TicketFilters;
  const query: TicketListParams = { ...clean, page, pageSize: PAGE_SIZE };
  const list = useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, query),
    queryFn: () => ticketsApi.list(query),
    placeholderData: keepPreviousData,
  });

  async function exportLedger() {
    setExporting(true);
    try {
      const { blob, filename } = await ticketsApi.exportLedger(clean);
      saveBlob(blob, filename);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setExporting(false);
    }
  }

  const width = (w: number) => (phone ? '100%' : w);
  const sources = csv(params.get('source'));
  const counts = list.data?.counts;
  const filtered = Object.keys(clean).length > 0;
  const enterpriseName = params.get('enterpriseName');
  /** how many of the filters a phone folds away are set */
  const secondary = [
    filters.level,
    filters.categoryId,
    filters.departmentId,
    filters.regionCode,
    filters.from ?? filters.to,
  ].filter((v) => v !== undefined).length;

  return (
    <>
      <PageHeader
        title="工单台账"
        description={`${me.activeRegionName}的万人助万企诉求、有诉即办、网格事件和项目问题`}
        extra={
          <>
            {TICKET_EXPORTERS.includes(me.role) && (
              <Button
                icon={<DownloadOutlined />}
                loading={exporting}
                onClick={() => void exportLedger()}
                data-testid="ticket-export"
              >
                导出Excel
              </Button>
            )}
            {TICKET_CREATORS.includes(me.role) && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => void navigate('/tickets/new')}
                data-testid="ticket-new"
              >
                登记工单
              </Button>
            )}
          </>
        }
      />
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder="工单编号、标题、内容或诉求人"
            defaultValue={filters.q}
            key={filters.q ?? ''}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            style={{ width: width(240) }}
            data-testid="ticket-search"
          />
          <Select
            mode="multiple"
            allowClear
            placeholder="全部来源"
            value={sources}
            onChange={(v: string[]) => set({ source: v.join(','), category: undefined })}
            options={ticketSources.map((s) => ({ value: s, label: ticketSourceLabels[s] }))}
            style={{ width: width(200) }}
            maxTagCount="responsive"
            data-testid="ticket-filter-source"
          />
          <Select
            mode="multiple"
            allowClear
            placeholder="全部状态"
            value={csv(params.get('status'))}
            onChange={(v: string[]) => set({ status: v.join(',') })}
            options={statusOptions}
            style={{ width: width(200) }}
            maxTagCount="responsive"
            data-testid="ticket-filter-status"
          />
          {phone && (
            <Button onClick={() => setMore((m) => !m)} block data-testid="ticket-filter-more">
              {more ? '收起筛选' : `更多筛选${secondary ? `（${secondary}）` : ''}`}
            </Button>
          )}
          {(!phone || more) && (
            <>
              <Select
                allowClear
                placeholder="全部层级"
                value={filters.level}
                onChange={(v: string | undefined) => set({ level: v })}
                options={ticketLevels.map((l) => ({ value: l, label: ticketLevelLabels[l] }))}
                style={{ width: width(110) }}
                data-testid="ticket-filter-level"
              />
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="全部类别"
                value={filters.categoryId}
                onChange={(v: number | undefined) => set({ category: v ? String(v) : undefined })}
                options={categoryOptions(
                  categories.data,
                  sources.length ? (sources as (typeof ticketSources)[number][]) : undefined,
                )}
                style={{ width: width(150) }}
                data-testid="ticket-filter-category"
              />
              {canReadDepartments(me.role) && (
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder="全部承办单位"
                  value={filters.departmentId}
                  onChange={(v: number | undefined) =>
                    set({ department: v ? String(v) : undefined })
                  }
                  options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                  loading={departments.isLoading}
                  style={{ width: width(180) }}
                  data-testid="ticket-filter-department"
                />
              )}
              <RegionTreeSelect
                allowClear
                placeholder="全部区域"
                value={filters.regionCode}
                onChange={(v) => set({ region: v })}
                style={{ width: width(180) }}
                data-testid="ticket-filter-region"
              />
              <DatePicker.RangePicker
                value={
                  filters.from || filters.to
                    ? [
                        filters.from ? dayjs(filters.from) : null,
                        filters.to ? dayjs(filters.to) : null,
                      ]
                    : null
                }
                onChange={(v) => set({ from: v?.[0]?.format(DATE), to: v?.[1]?.format(DATE) })}
                placeholder={['登记日期从', '至']}
                inputReadOnly={phone}
                style={{ width: width(250) }}
                data-testid="ticket-filter-dates"
              />
            </>
          )}
          {filters.enterpriseId && (
            <Tag
              closable
              color="blue"
              onClose={() => set({ enterprise: undefined, enterpriseName: undefined })}
              data-testid="ticket-filter-enterprise"
            >
              企业：{enterpriseName ?? `#${filters.enterpriseId}`}
            </Tag>
          )}
        </Flex>
        {counts && (
          <Typography.Paragraph data-testid="ticket-counts">
            未办结 <Typography.Text strong>{counts.open}</Typography.Text> 张，已办结{' '}
            {counts.closed} 张
            {counts.overdue > 0 && (
              <Typography.Text type="danger">
                ；超期 {counts.overdue} 张（含超期未办结和超期办结）
              </Typography.Text>
            )}
          </Typography.Paragraph>
        )}
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        <TicketList
          tickets={list.data?.items ?? []}
          loading={list.isFetching}
          empty={
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              data-testid="ticket-list-empty"
              description={
                list.isError
                  ? '数据加载失败'
                  : filtered
                    ? '没有符合条件的工单，可调整筛选条件再试'
                    : '还没有工单：点击“登记工单”登记企业诉求、群众诉求或网格事件'
              }
            />
          }
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: (p) => set({ page: String(p) }),
          }}
        />
      </Card>
    </>
  );
}
