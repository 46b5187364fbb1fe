import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Grid,
  Input,
  Pagination,
  Segmented,
  Select,
  Typography,
} from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { useDepartments, useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText } from '../../lib/api-client';
import { canReadDepartments } from '../projects';
import { TICKET_EXPORTERS, ticketKeys } from '../tickets';
import { problemsApi, type ProblemFilter, type ProblemListParams } from './api';
import { ProblemTable } from './ProblemTable';

const PAGE_SIZE = 20;
type Scope = 'mine' | 'all';
const problemFilters = ['open', 'overdue', 'closed'] as const;
const problemFilterLabels: Record<ProblemFilter, string> = {
  open: '未销号',
  // the ticket engine's 超期: open past the deadline, or 销号 after it
  overdue: '超期',
  closed: '已销号',
};
const isFilter = (v: string | null): v is ProblemFilter =>
  v !== null && (problemFilters as readonly string[]).includes(v);
const positive = (v: string | null) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

const dotColors: Record<ProblemFilter, string> = {
  open: '#1677ff',
  overdue: '#cf1322',
  closed: '#389e0d',
};

/**
 * 问题台账 of the region: every problem raised on its projects — project
 * tickets (ADR 0015) — filtered by status (未销号 / 超期 / 已销号),
 * responsible unit, project and text, with counts and the Excel export. A unit
 * officer starts on his own unit's problems; each opens on its ticket page.
 */
export default function ProblemsPage() {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [params, setParams] = useSearchParams();
  const officer = me.role === 'unit_officer' && me.departmentId !== null;
  const scope: Scope =
    params.get('scope') === 'all' || params.get('scope') === 'mine'
      ? (params.get('scope') as Scope)
      : officer
        ? 'mine'
        : 'all';
  const rawStatus = params.get('status');
  // open problems first: that is what a ledger is kept for
  const status: ProblemFilter | undefined =
    rawStatus === 'any' ? undefined : isFilter(rawStatus) ? rawStatus : 'open';
  const q = params.get('q') ?? '';
  const regionCode = params.get('region') ?? undefined;
  const departmentId =
    officer && scope === 'mine' ? me.departmentId! : positive(params.get('department'));
  const projectId = positive(params.get('project'));
  const page = Math.max(1, Number(params.get('page')) || 1);
  const departments = useDepartments(undefined, canReadDepartments(me.role));
  const [projectSearch, setProjectSearch] = useState('');
  const [exporting, setExporting] = useState(false);
  const { message } = App.useApp();

  const projects = useQuery({
    queryKey: ['projects', me.activeRegionCode, 'problem-filter', projectSearch],
    queryFn: () =>
      api.projects.list({ page: 1, pageSize: 20, ...(projectSearch ? { q: projectSearch } : {}) }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const chosenProject = useQuery({
    queryKey: ['projects', me.activeRegionCode, 'detail', projectId],
    queryFn: () => api.projects.get(projectId!),
    enabled: projectId !== undefined,
  });

  const query: ProblemListParams = {
    page,
    pageSize: PAGE_SIZE,
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
    ...(regionCode ? { regionCode } : {}),
    ...(departmentId ? { departmentId } : {}),
    ...(projectId ? { projectId } : {}),
  };
  const list = useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, { ...query, source: 'project' }),
    queryFn: () => problemsApi.list(query),
    placeholderData: keepPreviousData,
  });

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch))
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      if (!('page' in patch)) next.delete('page');
      return next;
    });

  const data = list.data;
  const counts = data?.counts;
  const statusOptions = [
    {
      value: 'any',
      label: (
        <span data-testid="problem-filter-any">
          全部{counts ? ` ${counts.open + counts.closed}` : ''}
        </span>
      ),
    },
    ...(['open', 'overdue', 'closed'] as const).map((s) => ({
      value: s,
      label: (
        <span data-testid={`problem-filter-${s}`} style={{ whiteSpace: 'nowrap' }}>
          {!phone && (
            <span
              aria-hidden
              style={{
                display: 'inline-block',
                width: 8,
                height: 8,
                borderRadius: '50%',
                background: dotColors[s],
                marginInlineEnd: 4,
              }}
            />
          )}
          {problemFilterLabels[s]}
          {counts ? ` ${counts[s]}` : ''}
        </span>
      ),
    })),
  ];

  const projectOptions = [
    ...(chosenProject.data && !(projects.data?.items ?? []).some((p) => p.id === projectId)
      ? [{ value: chosenProject.data.id, label: chosenProject.data.name }]
      : []),
    ...(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
  ];

  const filtered = !!(q || regionCode || projectId || (departmentId && scope === 'all'));
  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid="problems-list-empty"
      description={
        list.isError
          ? '数据加载失败'
          : filtered
            ? '没有符合条件的问题'
            : status === 'open' || status === 'overdue'
              ? scope === 'mine'
                ? '本单位没有未销号的问题'
                : '没有未销号的问题'
              : '还没有问题'
      }
    />
  );

  const width = (w: number) => (phone ? '100%' : w);

  async function exportLedger() {
    setExporting(true);
    try {
      await problemsApi.exportLedger({ status, q, regionCode, departmentId, projectId });
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <PageHeader
        title="问题台账"
        description={
          scope === 'mine'
            ? `分派给${me.departmentName ?? '本单位'}的问题：整改完成后请逐个销号，并附依据`
            : `${me.activeRegionName}及下级区域重点项目的问题：派遣责任单位限期整改，反馈后逐个销号，逾期未销号的标红`
        }
        extra={
          TICKET_EXPORTERS.includes(me.role) && (
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => void exportLedger()}
              data-testid="problems-export"
            >
              导出台账
            </Button>
          )
        }
      />
      <Card>
        <Flex vertical gap={12} style={{ marginBottom: 12 }}>
          <Flex gap={8} wrap align="center">
            {officer && (
              <Segmented<Scope>
                value={scope}
                onChange={(v) => set({ scope: v, department: undefined })}
                options={[
                  { value: 'mine', label: '本单位' },
                  { value: 'all', label: '全部问题' },
                ]}
                data-testid="problem-scope"
              />
            )}
            <Input.Search
              allowClear
              placeholder="搜索问题、描述或项目名称"
              defaultValue={q}
              key={q}
              onSearch={(v) => set({ q: v.trim() || undefined })}
              style={{ width: width(260) }}
              data-testid="problem-search"
            />
            <RegionTreeSelect
              allowClear
              maxLevel="street"
              placeholder="全部区域"
              value={regionCode}
              onChange={(v) => set({ region: v })}
              style={{ width: width(180) }}
              data-testid="problem-filter-region"
            />
            {canReadDepartments(me.role) && !(officer && scope === 'mine') && (
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="全部责任单位"
                value={departmentId}
                onChange={(v: number | undefined) => set({ department: v ? String(v) : undefined })}
                options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                loading={departments.isLoading}
                style={{ width: width(200) }}
                data-testid="problem-filter-department"
              />
            )}
            <Select
              allowClear
              showSearch={{ filterOption: false, onSearch: setProjectSearch }}
              placeholder="全部项目"
              value={projectId}
              onChange={(v: number | undefined) => {
                setProjectSearch('');
                set({ project: v ? String(v) : undefined });
              }}
              options={projectOptions}
              loading={projects.isFetching}
              notFoundContent="没有匹配的项目"
              popupMatchSelectWidth={false}
              style={{ width: width(240) }}
              data-testid="problem-filter-project"
            />
          </Flex>
          <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
            <Segmented
              value={status ?? 'any'}
              onChange={(v) => set({ status: String(v) === 'open' ? undefined : String(v) })}
              options={statusOptions}
              data-testid="problem-status-filter"
            />
          </div>
          {counts && (
            <Typography.Text data-testid="problems-counts">
              未销号 <Typography.Text strong>{counts.open}</Typography.Text> 个，已销号{' '}
              {counts.closed} 个
              {counts.overdue > 0 && (
                <Typography.Text type="danger">
                  ；超期 {counts.overdue} 个（含超过整改期限后销号的）
                </Typography.Text>
              )}
            </Typography.Text>
          )}
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        <ProblemTable
          problems={data?.items ?? []}
          showProject
          loading={list.isFetching}
          empty={empty}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: data?.total ?? 0,
            onChange: (p) => set({ page: String(p) }),
          }}
        />
        {phone && !!data && data.total > PAGE_SIZE && (
          <Pagination
            simple
            align="center"
            style={{ marginTop: 12 }}
            current={page}
            pageSize={PAGE_SIZE}
            total={data.total}
            onChange={(p) => set({ page: String(p) })}
          />
        )}
      </Card>
    </>
  );
}
