import { useEffect, useEffectEvent, useState } from 'react';
import { Badge, Button, Checkbox, DatePicker, Flex, Input, Select, Space, Tooltip } from 'antd';
import { DownOutlined, ReloadOutlined, UpOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import {
  industryClusters,
  projectLevelLabels,
  projectLevels,
  projectStageLabels,
  projectStages,
  type ProjectLevel,
  type ProjectStage,
} from '@xiangmu/contracts';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { useDepartments } from '../../session';
import { moreFilterCount, type ProjectFilters } from './filters';
import { wanNotGreater, yiInputProblem, yiInputToWan } from '../../lib/money';

export type FilterPatch = Partial<Omit<ProjectFilters, 'page' | 'pageSize' | 'sort' | 'order'>>;

/**
 * Local text for an input that is committed later (Enter, blur, pause);
 * follows the committed value when it changes from outside (saved filter,
 * reset, browser back).
 */
function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return [draft, setDraft];
}

/** A text filter applied on Enter or when leaving the field. */
function CommitInput(props: {
  value: string | undefined;
  onCommit: (v: string | undefined) => void;
  placeholder: string;
  maxLength: number;
  width: number;
  'aria-label': string;
  upper?: boolean;
}) {
  const [draft, setDraft] = useDraft(props.value ?? '');
  const commit = () => {
    const v = draft.trim();
    const next = v ? (props.upper ? v.toUpperCase() : v) : undefined;
    if (next !== props.value) props.onCommit(next);
  };
  return (
    <Input
      allowClear
      value={draft}
      placeholder={props.placeholder}
      aria-label={props['aria-label']}
      maxLength={props.maxLength}
      onChange={(e) => {
        setDraft(e.target.value);
        // the clear button: apply at once
        if (e.type === 'click' && props.value) props.onCommit(undefined);
      }}
      onPressEnter={commit}
      onBlur={commit}
      style={{ width: props.width }}
    />
  );
}

/** 总投资 from … to … in 亿元; applied on Enter/blur when both ends are valid amounts. */
function InvestmentRange(props: {
  min: string | undefined;
  max: string | undefined;
  onCommit: (min: string | undefined, max: string | undefined) => void;
}) {
  const [min, setMin] = useDraft(props.min ?? '');
  const [max, setMax] = useDraft(props.max ?? '');
  const minProblem = yiInputProblem(min);
  const minWan = yiInputToWan(min);
  const maxWan = yiInputToWan(max);
  const maxProblem =
    yiInputProblem(max) ??
    (minWan && maxWan && !wanNotGreater(minWan, maxWan) ? '上限不能小于下限' : null);
  const commit = () => {
    if (minProblem || maxProblem) return;
    const a = min.trim() || undefined;
    const b = max.trim() || undefined;
    if (a !== props.min || b !== props.max) props.onCommit(a, b);
  };
  return (
    <Tooltip title={minProblem ?? maxProblem} open={!!(minProblem ?? maxProblem)}>
      <Space.Compact style={{ width: 272 }} className="filter-bar-full">
        <Space.Addon>总投资</Space.Addon>
        <Input
          value={min}
          inputMode="decimal"
          placeholder="最低"
          aria-label="总投资下限（亿元）"
          status={minProblem ? 'error' : undefined}
          onChange={(e) => setMin(e.target.value)}
          onPressEnter={commit}
          onBlur={commit}
          data-testid="filter-min-investment"
        />
        <Space.Addon>至</Space.Addon>
        <Input
          value={max}
          inputMode="decimal"
          placeholder="最高"
          aria-label="总投资上限（亿元）"
          status={maxProblem ? 'error' : undefined}
          onChange={(e) => setMax(e.target.value)}
          onPressEnter={commit}
          onBlur={commit}
          data-testid="filter-max-investment"
        />
        <Space.Addon>亿元</Space.Addon>
      </Space.Compact>
    </Tooltip>
  );
}

const thisYear = dayjs().year();
const yearOptions = Array.from({ length: 8 }, (_, i) => thisYear + 2 - i).map((y) => ({
  value: y,
  label: `${y}年`,
}));

/**
 * The project list's filters. Search applies while typing (after a short
 * pause) and on Enter; selects apply at once; text and amount fields on
 * Enter or blur.
 */
export function ProjectFilterBar(props: {
  filters: ProjectFilters;
  onChange: (patch: FilterPatch) => void;
  onReset: () => void;
  showDepartments: boolean;
  extra?: React.ReactNode;
}) {
  const { filters: f, onChange } = props;
  const [more, setMore] = useState(() => moreFilterCount(f) > 0);
  const [search, setSearch] = useDraft(f.q ?? '');
  const departments = useDepartments(undefined, props.showDepartments && more);

  // typing pauses → search (pinyin initials are typed fast, no Enter needed)
  const applySearch = useEffectEvent((q: string | undefined) => onChange({ q }));
  useEffect(() => {
    const q = search.trim() || undefined;
    if (q === f.q) return;
    const timer = setTimeout(() => applySearch(q), 400);
    return () => clearTimeout(timer);
  }, [search, f.q]);

  const moreCount = moreFilterCount(f);
  return (
    <Flex vertical gap={8} style={{ marginBottom: 12 }} data-testid="project-filters">
      <Flex gap={8} wrap className="filter-bar">
        <Input.Search
          allowClear
          placeholder="项目名称或拼音首字母"
          aria-label="搜索项目"
          value={search}
          maxLength={50}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => {
            const q = v.trim() || undefined;
            if (q !== f.q) onChange({ q });
          }}
          style={{ width: 240 }}
          className="filter-bar-full"
          data-testid="project-search"
        />
        <RegionTreeSelect
          allowClear
          maxLevel="street"
          placeholder="全部区域"
          value={f.regionCode}
          onChange={(regionCode) => onChange({ regionCode })}
          style={{ width: 200 }}
          data-testid="filter-region"
        />
        <Select<ProjectStage[]>
          mode="multiple"
          allowClear
          placeholder="全部阶段"
          aria-label="项目阶段"
          value={f.stage}
          onChange={(stage) => onChange({ stage })}
          options={projectStages.map((s) => ({ value: s, label: projectStageLabels[s] }))}
          maxTagCount="responsive"
          style={{ width: 200 }}
          data-testid="filter-stage"
        />
        <Select<ProjectLevel[]>
          mode="multiple"
          allowClear
          placeholder="全部级别"
          aria-label="项目级别"
          value={f.level}
          onChange={(level) => onChange({ level })}
          options={projectLevels.map((l) => ({ value: l, label: projectLevelLabels[l] }))}
          maxTagCount="responsive"
          style={{ width: 170 }}
          data-testid="filter-level"
        />
        <Select<string[]>
          mode="multiple"
          allowClear
          placeholder="全部产业集群"
          aria-label="产业集群"
          value={f.industryCluster}
          onChange={(industryCluster) => onChange({ industryCluster })}
          options={industryClusters.map((c) => ({ value: c, label: c }))}
          maxTagCount="responsive"
          popupMatchSelectWidth={false}
          style={{ width: 200 }}
          data-testid="filter-cluster"
        />
        <Select<number>
          allowClear
          placeholder="计划年度"
          aria-label="计划年度"
          value={f.planYear}
          onChange={(planYear) => onChange({ planYear })}
          options={yearOptions}
          style={{ width: 120 }}
          data-testid="filter-year"
        />
        <InvestmentRange
          min={f.minYi}
          max={f.maxYi}
          onCommit={(minYi, maxYi) => onChange({ minYi, maxYi })}
        />
        <Flex gap={8} className="filter-bar-keep">
          <Badge count={more ? 0 : moreCount} size="small">
            <Button
              icon={more ? <UpOutlined /> : <DownOutlined />}
              iconPlacement="end"
              onClick={() => setMore((m) => !m)}
              data-testid="filter-more"
            >
              {more ? '收起' : '更多筛选'}
            </Button>
          </Badge>
          <Button icon={<ReloadOutlined />} onClick={props.onReset} data-testid="filter-reset">
            重置
          </Button>
        </Flex>
      </Flex>
      {more && (
        <Flex gap={8} wrap className="filter-bar" data-testid="filter-more-panel">
          <CommitInput
            value={f.industryCode}
            onCommit={(industryCode) => onChange({ industryCode })}
            placeholder="行业代码，如 C36"
            aria-label="国民经济行业代码"
            maxLength={5}
            width={150}
            upper
          />
          {props.showDepartments && (
            <Select<number>
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="全部责任单位"
              aria-label="责任单位"
              value={f.departmentId}
              loading={departments.isLoading}
              onChange={(departmentId) => onChange({ departmentId })}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              popupMatchSelectWidth={false}
              style={{ width: 200 }}
            />
          )}
          <CommitInput
            value={f.leaderName}
            onCommit={(leaderName) => onChange({ leaderName })}
            placeholder="包保领导"
            aria-label="包保领导"
            maxLength={30}
            width={140}
          />
          <CommitInput
            value={f.tag}
            onCommit={(tag) => onChange({ tag })}
            placeholder="标签"
            aria-label="标签"
            maxLength={20}
            width={120}
          />
          <Checkbox
            checked={f.missingCreditCode === true}
            onChange={(e) => onChange({ missingCreditCode: e.target.checked || undefined })}
            data-testid="filter-missing-credit"
          >
            信用代码待补充
          </Checkbox>
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            placeholder={['计划开工自', '至']}
            aria-label="计划开工日期范围"
            value={[
              f.plannedStartFrom ? dayjs(f.plannedStartFrom) : null,
              f.plannedStartTo ? dayjs(f.plannedStartTo) : null,
            ]}
            onChange={(range) =>
              onChange({
                plannedStartFrom: range?.[0]?.format('YYYY-MM-DD'),
                plannedStartTo: range?.[1]?.format('YYYY-MM-DD'),
              })
            }
            style={{ width: 260 }}
          />
        </Flex>
      )}
      {props.extra}
    </Flex>
  );
}
