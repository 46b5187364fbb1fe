import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Divider,
  Empty,
  Flex,
  Grid,
  Pagination,
  Popover,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
  type TableColumnType,
  type TableProps,
} from 'antd';
import {
  DownloadOutlined,
  PlusOutlined,
  ReloadOutlined,
  SettingOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { formatYi, type Project } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { api, errorText, saveBlob } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import {
  filtersToParams,
  hasFilters,
  isSavedFilterList,
  isStringList,
  parseFilters,
  readStored,
  storageKeys,
  toApiQuery,
  writeStored,
  type ProjectFilters,
  type SavedFilter,
  type SortField,
} from './filters';
import { canManageProjects, canReadDepartments } from './model';
import { yiFixed } from '../../lib/money';
import { ProjectFilterBar, type FilterPatch } from './ProjectFilterBar';
import { ProjectFormDrawer } from './ProjectFormDrawer';
import { SavedFilters } from './SavedFilters';
import { LevelTag, StageTag } from './tags';

interface ColumnDef {
  key: string;
  title: string;
  /** shown until the user chooses otherwise */
  visible: boolean;
  /** cannot be hidden */
  fixed?: boolean;
  column: TableColumnsType<Project>[number];
}

type AntSortOrder = NonNullable<TableColumnType<Project>['sortOrder']> | null;

const dash = (v: string | null | undefined) => v || '—';

const sortLabels: Record<SortField, string> = {
  updatedAt: '更新时间',
  name: '项目名称',
  totalInvestment: '总投资',
  annualPlan: '年度计划投资',
  plannedStart: '计划开工',
  stage: '项目阶段',
};

/** Where a detail page goes "back" to: this list with its filters. */
export interface FromList {
  fromList: string;
}

export default function ProjectsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const keys = storageKeys(me.id);
  const manage = canManageProjects(me.role);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const { message } = App.useApp();

  const [saved, setSaved] = useState<SavedFilter[]>(() =>
    readStored(keys.savedFilters, isSavedFilterList, []),
  );
  const [chosen, setChosen] = useState<string[] | null>(() =>
    readStored<string[] | null>(
      keys.columns,
      (v): v is string[] | null => v === null || isStringList(v),
      null,
    ),
  );

  const list = useQuery({
    queryKey: ['projects', me.activeRegionCode, 'list', toApiQuery(filters)],
    queryFn: () => api.projects.list(toApiQuery(filters)),
    placeholderData: keepPreviousData,
  });

  const go = (next: ProjectFilters) => {
    // a late debounced search must not cancel a navigation to a project already under way
    if (window.location.pathname !== location.pathname) return;
    setParams(filtersToParams(next));
  };
  // the address bar, not this render's filters: a click right after another change
  // (重置, then a column header) must build on that change
  const latest = () =>
    window.location.pathname === location.pathname
      ? parseFilters(new URLSearchParams(window.location.search))
      : filters;
  const patch = (p: FilterPatch) => go({ ...latest(), ...p, page: 1 });
  const reset = () => go(parseFilters(new URLSearchParams({ pageSize: String(filters.pageSize) })));
  const filtered = hasFilters(filters);
  const currentQuery = filtered
    ? filtersToParams({ ...filters, page: 1 }, { paging: false }).toString()
    : '';
  const fromList: FromList = { fromList: location.search };

  const sortOrder = (key: SortField): AntSortOrder =>
    filters.sort === key ? (filters.order === 'asc' ? 'ascend' : 'descend') : null;
  const sortable = (key: SortField, firstDesc = false) => ({
    sorter: true,
    sortOrder: sortOrder(key),
    sortDirections: (firstDesc ? ['descend', 'ascend'] : ['ascend', 'descend']) as AntSortOrder[],
  });

  const defs: ColumnDef[] = [
    {
      key: 'name',
      title: '项目名称',
      visible: true,
      fixed: true,
      column: {
        title: '项目名称',
        key: 'name',
        width: 260,
        fixed: phone ? undefined : 'left',
        ...sortable('name'),
        render: (_, p) => (
          <Flex vertical>
            <Link to={`/projects/${p.id}`} state={fromList} data-testid="project-link">
              {p.name}
            </Link>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {p.ownerName}
            </Typography.Text>
          </Flex>
        ),
      },
    },
    {
      key: 'stage',
      title: '阶段',
      visible: true,
      column: {
        title: '阶段',
        key: 'stage',
        width: 90,
        ...sortable('stage'),
        render: (_, p) => <StageTag stage={p.stage} />,
      },
    },
    {
      key: 'level',
      title: '级别',
      visible: true,
      column: {
        title: '级别',
        key: 'level',
        width: 90,
        render: (_, p) => <LevelTag level={p.level} />,
      },
    },
    {
      key: 'region',
      title: '所属区域',
      visible: true,
      column: { title: '所属区域', dataIndex: 'regionName', width: 150 },
    },
    {
      key: 'industryCluster',
      title: '产业集群',
      visible: true,
      column: { title: '产业集群', dataIndex: 'industryCluster', width: 180 },
    },
    {
      key: 'industryCode',
      title: '行业代码',
      visible: false,
      column: { title: '行业代码', dataIndex: 'industryCode', width: 90, render: dash },
    },
    {
      key: 'totalInvestment',
      title: '总投资',
      visible: true,
      column: {
        title: '总投资（亿元）',
        key: 'totalInvestment',
        width: 130,
        align: 'right',
        ...sortable('totalInvestment', true),
        render: (_, p) => yiFixed(p.totalInvestment),
      },
    },
    {
      key: 'annualPlan',
      title: '年度计划投资',
      visible: true,
      column: {
        title: '年度计划（亿元）',
        key: 'annualPlan',
        width: 140,
        align: 'right',
        ...sortable('annualPlan', true),
        render: (_, p) => yiFixed(p.annualPlan),
      },
    },
    {
      key: 'planYear',
      title: '计划年度',
      visible: false,
      column: { title: '计划年度', dataIndex: 'planYear', width: 90 },
    },
    {
      key: 'plannedStart',
      title: '计划开工',
      visible: true,
      column: {
        title: '计划开工',
        key: 'plannedStart',
        width: 120,
        ...sortable('plannedStart', true),
        render: (_, p) => dash(p.plannedStart),
      },
    },
    {
      key: 'plannedEnd',
      title: '计划竣工',
      visible: false,
      column: { title: '计划竣工', dataIndex: 'plannedEnd', width: 110, render: dash },
    },
    {
      key: 'leaderName',
      title: '包保领导',
      visible: true,
      column: { title: '包保领导', dataIndex: 'leaderName', width: 110, render: dash },
    },
    {
      key: 'departmentName',
      title: '责任单位',
      visible: false,
      column: { title: '责任单位', dataIndex: 'departmentName', width: 170, render: dash },
    },
    {
      key: 'contact',
      title: '联系人',
      visible: false,
      column: {
        title: '联系人',
        key: 'contact',
        width: 150,
        render: (_, p) =>
          p.contactName || p.contactPhone
            ? [p.contactName, p.contactPhone].filter(Boolean).join(' ')
            : '—',
      },
    },
    {
      key: 'tags',
      title: '标签',
      visible: false,
      column: {
        title: '标签',
        key: 'tags',
        width: 180,
        render: (_, p) =>
          p.tags.length ? (
            <Flex gap={4} wrap>
              {p.tags.map((t) => (
                <Tag key={t} style={{ marginInlineEnd: 0 }}>
                  {t}
                </Tag>
              ))}
            </Flex>
          ) : (
            '—'
          ),
      },
    },
    {
      key: 'updatedAt',
      title: '更新时间',
      visible: false,
      column: {
        title: '更新时间',
        key: 'updatedAt',
        width: 170,
        ...sortable('updatedAt', true),
        render: (_, p) => formatDateTime(p.updatedAt),
      },
    },
  ];

  const visibleKeys = new Set(chosen ?? defs.filter((d) => d.visible).map((d) => d.key));
  const shown = defs.filter((d) => d.fixed || visibleKeys.has(d.key));
  const columns: TableColumnsType<Project> = [
    ...shown.map((d) => d.column),
    ...(manage
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 110,
            fixed: phone ? undefined : ('right' as const),
            render: (_: unknown, p: Project) => (
              <Space size={0}>
                <Button
                  type="link"
                  size="small"
                  onClick={() => navigate(`/projects/${p.id}`, { state: fromList })}
                >
                  查看
                </Button>
                <Button
                  type="link"
                  size="small"
                  onClick={() => navigate(`/projects/${p.id}?edit=1`, { state: fromList })}
                >
                  编辑
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const chooseColumns = (next: string[] | null) => {
    setChosen(next);
    writeStored(keys.columns, next);
  };
  const columnSettings = (
    <Popover
      trigger="click"
      placement="bottomRight"
      title="显示的列"
      content={
        <Flex vertical gap={4} style={{ maxWidth: 260 }} data-testid="column-settings">
          <Checkbox.Group
            value={[...visibleKeys]}
            onChange={(v) => chooseColumns(v as string[])}
            style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '6px 16px' }}
            options={defs.map((d) => ({
              value: d.key,
              label: d.title,
              disabled: !!d.fixed,
            }))}
          />
          <Divider style={{ margin: '8px 0' }} />
          <Button size="small" onClick={() => chooseColumns(null)}>
            恢复默认
          </Button>
        </Flex>
      }
    >
      <Button icon={<SettingOutlined />} data-testid="column-settings-button">
        列设置
      </Button>
    </Popover>
  );

  /** 导出台账: the same filters and order as the list, every matching row */
  async function exportLedger() {
    setExporting(true);
    try {
      const query: Partial<ReturnType<typeof toApiQuery>> = toApiQuery(filters);
      delete query.page;
      delete query.pageSize;
      const { blob, filename } = await api.projects.exportLedger(query);
      saveBlob(blob, filename);
      message.success(`已导出 ${filename}`);
    } catch (e) {
      message.error(`导出失败：${errorText(e)}`);
    } finally {
      setExporting(false);
    }
  }

  const onTableChange: TableProps<Project>['onChange'] = (pagination, _f, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = s?.order ? (s.columnKey as SortField) : 'updatedAt';
      const order = s?.order === 'ascend' ? 'asc' : 'desc';
      go({ ...latest(), sort: key, order, page: 1 });
    } else if (extra.action === 'paginate') {
      go({
        ...filters,
        page: pagination.pageSize !== filters.pageSize ? 1 : (pagination.current ?? 1),
        pageSize: pagination.pageSize ?? filters.pageSize,
      });
    }
  };

  const data = list.data;
  const summary = data && (
    <Typography.Text data-testid="projects-summary">
      共<Typography.Text strong>{data.total}</Typography.Text>个项目，
      <span style={{ whiteSpace: 'nowrap' }}>
        总投资<Typography.Text strong>{formatYi(data.sums.totalInvestment)}</Typography.Text>
      </span>
      ，
      <span style={{ whiteSpace: 'nowrap' }}>
        年度计划投资<Typography.Text strong>{formatYi(data.sums.annualPlan)}</Typography.Text>
      </span>
    </Typography.Text>
  );

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid="projects-empty"
      description={
        list.isError ? '数据加载失败' : filtered ? '没有符合筛选条件的项目' : '项目库中还没有项目'
      }
    >
      {!list.isError &&
        (filtered ? (
          <Button onClick={reset}>清除筛选条件</Button>
        ) : (
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建项目
            </Button>
          )
        ))}
    </Empty>
  );

  const pagination = {
    current: filters.page,
    pageSize: filters.pageSize,
    total: data?.total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal: (total: number) => `共 ${total} 条`,
  };

  return (
    <>
      <PageHeader
        title="项目库"
        description={`${me.activeRegionName}及下级区域的重点项目`}
        extra={
          manage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="project-create"
            >
              新建项目
            </Button>
          )
        }
      />
      <Card>
        <ProjectFilterBar
          filters={filters}
          onChange={patch}
          onReset={reset}
          showDepartments={canReadDepartments(me.role)}
        />
        <Flex
          justify="space-between"
          align="center"
          wrap
          gap={8}
          style={{ marginBottom: 12 }}
          className="project-toolbar"
        >
          <div style={{ minHeight: 22 }}>{summary}</div>
          <Flex gap={8} wrap>
            <SavedFilters
              saved={saved}
              current={currentQuery}
              onApply={(s) => setParams(new URLSearchParams(s.query))}
              onChange={(next) => {
                setSaved(next);
                writeStored(keys.savedFilters, next);
              }}
            />
            {phone ? (
              <Space.Compact>
                <Select<SortField>
                  aria-label="排序"
                  value={filters.sort}
                  onChange={(sort) => go({ ...filters, sort, page: 1 })}
                  options={Object.entries(sortLabels).map(([value, label]) => ({ value, label }))}
                  style={{ width: 130 }}
                />
                <Button
                  onClick={() =>
                    go({ ...filters, order: filters.order === 'asc' ? 'desc' : 'asc', page: 1 })
                  }
                >
                  {filters.order === 'asc' ? '升序' : '降序'}
                </Button>
              </Space.Compact>
            ) : (
              columnSettings
            )}
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              disabled={!data?.total}
              onClick={() => void exportLedger()}
              data-testid="project-export"
            >
              导出台账
            </Button>
            {manage && (
              <Button
                icon={<UploadOutlined />}
                onClick={() => navigate('/projects/import')}
                data-testid="project-import"
              >
                导入
              </Button>
            )}
            {!phone && (
              <Tooltip title="刷新">
                <Button
                  icon={<ReloadOutlined />}
                  aria-label="刷新"
                  onClick={() => void qc.invalidateQueries({ queryKey: ['projects'] })}
                />
              </Tooltip>
            )}
          </Flex>
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        {phone ? (
          <Flex vertical gap={12} data-testid="projects-cards">
            {data && data.items.length === 0 && empty}
            {(data?.items ?? []).map((p) => (
              <ProjectCard key={p.id} project={p} state={fromList} />
            ))}
            {!!data?.total && (
              <Pagination
                {...pagination}
                simple
                align="center"
                onChange={(page, pageSize) =>
                  go({ ...filters, page: pageSize !== filters.pageSize ? 1 : page, pageSize })
                }
              />
            )}
          </Flex>
        ) : (
          <Table<Project>
            rowKey="id"
            data-testid="projects-table"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={list.isFetching}
            locale={{ emptyText: empty }}
            scroll={{ x: 'max-content' }}
            size="middle"
            onChange={onTableChange}
            showSorterTooltip={{ title: '点击排序' }}
            pagination={pagination}
          />
        )}
      </Card>
      <ProjectFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(p) => {
          void qc.invalidateQueries({ queryKey: ['projects'] });
          navigate(`/projects/${p.id}`, { state: fromList });
        }}
      />
    </>
  );
}

/** One project on a phone. */
function ProjectCard({ project: p, state }: { project: Project; state: FromList }) {
  return (
    <Link to={`/projects/${p.id}`} state={state} style={{ color: 'inherit' }}>
      <Card size="small" hoverable data-testid="project-card">
        <Flex justify="space-between" align="flex-start" gap={8}>
          <Typography.Text strong style={{ fontSize: 15 }}>
            {p.name}
          </Typography.Text>
          <StageTag stage={p.stage} />
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {p.ownerName}
        </Typography.Text>
        <Flex gap={6} wrap align="center" style={{ marginTop: 8 }}>
          <LevelTag level={p.level} />
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {p.regionName} · {p.industryCluster}
          </Typography.Text>
        </Flex>
        <Flex gap={16} wrap style={{ marginTop: 8, fontSize: 13 }}>
          <span>
            总投资 <Typography.Text strong>{formatYi(p.totalInvestment)}</Typography.Text>
          </span>
          <span>
            {p.planYear}年计划 <Typography.Text strong>{formatYi(p.annualPlan)}</Typography.Text>
          </span>
          {p.leaderName && <span>包保领导 {p.leaderName}</span>}
        </Flex>
      </Card>
    </Link>
  );
}
