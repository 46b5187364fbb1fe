import {
  formatYi,
  projectLevelLabels,
  projectStageLabels,
  type Project,
  type ProjectLevel,
} from '@xiangmu/contracts';
import {
  conflictRows,
  movedRow,
  type ConflictRow,
  type VersionConflict,
} from '../../components/VersionConflictModal';
import {
  changedFields,
  toFormValues,
  toRequest,
  type ProjectField,
  type ProjectFields,
} from './form-values';

/** A project edit that met a newer version: what the user tried to save is a request body. */
export type Conflict = VersionConflict<Project, ProjectFields>;

export const fieldLabels: Record<ProjectField, string> = {
  name: '项目名称',
  ownerName: '建设单位',
  ownerCreditCode: '统一社会信用代码',
  regionCode: '所属区域',
  industryCluster: '产业集群',
  industryCode: '国民经济行业代码',
  level: '项目级别',
  content: '建设内容及规模',
  totalInvestment: '总投资',
  annualPlan: '年度计划投资',
  planYear: '计划年度',
  plannedStart: '计划开工日期',
  plannedEnd: '计划竣工日期',
  leaderName: '包保领导',
  departmentId: '责任单位',
  contactName: '联系人',
  contactPhone: '联系电话',
  lng: '经度',
  lat: '纬度',
  tags: '标签',
};

/**
 * The conflict table of a project edit (409 VERSION_CONFLICT): the fields
 * either side changed, and the stage when it moved meanwhile. Names of
 * regions and departments come from the records where they have them.
 */
export function projectConflictRows(
  c: Conflict,
  regionName: (code: string) => string,
  departmentName: (id: number) => string,
): ConflictRow[] {
  const value = (k: ProjectField, v: ProjectFields[ProjectField] | undefined): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (Array.isArray(v)) return v.length ? v.join('、') : '—';
    if (k === 'totalInvestment' || k === 'annualPlan') return formatYi(String(v), 6);
    if (k === 'level') return projectLevelLabels[v as ProjectLevel];
    if (k === 'regionCode') return regionName(String(v));
    if (k === 'departmentId') return departmentName(Number(v));
    if (k === 'planYear') return `${v}年`;
    return String(v);
  };
  return [
    ...movedRow(
      'stage',
      '项目阶段',
      projectStageLabels[c.had.stage],
      projectStageLabels[c.current.stage],
    ),
    ...conflictRows(
      fieldLabels,
      {
        had: toRequest(toFormValues(c.had)),
        theirs: toRequest(toFormValues(c.current)),
        mine: c.mine,
      },
      (k, a, b) => !changedFields(a, b).includes(k),
      (k, v, side) => {
        if (side === 'had' && k === 'departmentId' && c.had.departmentName)
          return c.had.departmentName;
        if (side === 'theirs' && k === 'departmentId' && c.current.departmentName)
          return c.current.departmentName;
        if (side === 'theirs' && k === 'regionCode') return c.current.regionName;
        return value(k, v[k]);
      },
    ),
  ];
}
