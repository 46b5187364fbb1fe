import { milestoneStatusLabels, type Milestone } from '@xiangmu/contracts';
import {
  conflictRows,
  movedRow,
  type ConflictRow,
  type VersionConflict,
} from '../../components/VersionConflictModal';

/** The editable fields of a node, as the form holds them. */
export interface MilestoneFields {
  name: string;
  dueOn: string;
  ownerName: string;
  ownerUserId: number | null;
}

type Field = keyof MilestoneFields;

/** A node edit that met a newer version. */
export type MilestoneConflict = VersionConflict<Milestone, MilestoneFields>;

const fieldLabels: Record<Field, string> = {
  name: '节点名称',
  dueOn: '截止日期',
  ownerName: '责任人',
  ownerUserId: '关联系统账号',
};

const fieldsOf = (m: Milestone): MilestoneFields => ({
  name: m.name,
  dueOn: m.dueOn,
  ownerName: m.ownerName,
  ownerUserId: m.ownerUserId,
});

const show = (k: Field, v: MilestoneFields): string => {
  if (v[k] === null || v[k] === '') return '—';
  if (k === 'ownerUserId') return `已关联（#${v[k]}）`;
  return String(v[k]);
};

/** The conflict table of a node edit: the fields either side changed, and the status when it moved. */
export function milestoneConflictRows(c: MilestoneConflict): ConflictRow[] {
  return [
    ...movedRow(
      'status',
      '状态',
      milestoneStatusLabels[c.had.status],
      milestoneStatusLabels[c.current.status],
    ),
    ...conflictRows(
      fieldLabels,
      { had: fieldsOf(c.had), theirs: fieldsOf(c.current), mine: c.mine },
      (k, a, b) => a[k] === b[k],
      show,
    ),
  ];
}
