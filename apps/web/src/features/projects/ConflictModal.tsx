import { Alert, Button, Flex, Modal, Table, Tag, Typography } from 'antd';
import {
  formatYi,
  projectLevelLabels,
  projectStageLabels,
  type Project,
  type ProjectLevel,
} from '@xiangmu/contracts';
import { formatDateTime } from '../../lib/format';
import {
  changedFields,
  toFormValues,
  toRequest,
  type ProjectField,
  type ProjectFields,
} from './form-values';

export interface Conflict {
  /** the version the user started editing */
  had: Project;
  /** the version someone else saved meanwhile (409 `current`) */
  current: Project;
  /** what the user tried to save */
  mine: ProjectFields;
}

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

interface Row {
  key: string;
  label: string;
  had: string;
  theirs: string;
  mine: string | null;
  clash: boolean;
}

/**
 * 409 VERSION_CONFLICT on a project edit: which fields the other person
 * changed, which the user changed, where both did. The user continues from
 * the saved version, keeping or dropping his own changes; nothing is lost
 * silently.
 */
export function ConflictModal(props: {
  conflict: Conflict | null;
  regionName: (code: string) => string;
  departmentName: (id: number) => string;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onCancel: () => void;
}) {
  const c = props.conflict;
  const show = (k: ProjectField, v: ProjectFields[ProjectField] | undefined): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (Array.isArray(v)) return v.length ? v.join('、') : '—';
    if (k === 'totalInvestment' || k === 'annualPlan') return formatYi(String(v), 6);
    if (k === 'level') return projectLevelLabels[v as ProjectLevel];
    if (k === 'regionCode') return props.regionName(String(v));
    if (k === 'departmentId') return props.departmentName(Number(v));
    if (k === 'planYear') return `${v}年`;
    return String(v);
  };

  let rows: Row[] = [];
  let by = '';
  if (c) {
    const had = toRequest(toFormValues(c.had));
    const theirs = toRequest(toFormValues(c.current));
    const theirChanges = new Set(changedFields(had, theirs));
    const myChanges = new Set(changedFields(had, c.mine));
    const fields = (Object.keys(fieldLabels) as ProjectField[]).filter(
      (k) => theirChanges.has(k) || myChanges.has(k),
    );
    rows = fields.map((k) => ({
      key: k,
      label: fieldLabels[k],
      had: k === 'departmentId' && c.had.departmentName ? c.had.departmentName : show(k, had[k]),
      theirs:
        k === 'departmentId' && c.current.departmentName
          ? c.current.departmentName
          : k === 'regionCode'
            ? c.current.regionName
            : show(k, theirs[k]),
      mine: myChanges.has(k) ? show(k, c.mine[k]) : null,
      clash: theirChanges.has(k) && myChanges.has(k) && show(k, theirs[k]) !== show(k, c.mine[k]),
    }));
    if (c.had.stage !== c.current.stage)
      rows.unshift({
        key: 'stage',
        label: '项目阶段',
        had: projectStageLabels[c.had.stage],
        theirs: projectStageLabels[c.current.stage],
        mine: null,
        clash: false,
      });
    by = formatDateTime(c.current.updatedAt);
  }

  return (
    <Modal
      open={!!c}
      title="项目已被他人修改"
      width={760}
      onCancel={props.onCancel}
      mask={{ closable: false }}
      footer={
        <Flex justify="flex-end" gap={8} wrap>
          <Button onClick={props.onTakeTheirs} data-testid="conflict-take-theirs">
            放弃我的修改，载入最新数据
          </Button>
          <Button type="primary" onClick={props.onKeepMine} data-testid="conflict-keep-mine">
            载入最新数据并保留我的修改
          </Button>
        </Flex>
      }
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title="您编辑期间，有人已保存了这个项目，您的修改尚未保存"
        description={`对方保存于 ${by}。请核对下列差异，选择如何继续；之后需再次点击“保存”。`}
        style={{ marginBottom: 12 }}
      />
      <Table<Row>
        data-testid="conflict-table"
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: '字段',
            dataIndex: 'label',
            width: 130,
            render: (label: string, r) => (
              <Flex gap={4} align="center" wrap>
                {label}
                {r.clash && (
                  <Tag color="red" style={{ marginInlineEnd: 0 }}>
                    冲突
                  </Tag>
                )}
              </Flex>
            ),
          },
          { title: '您打开时', dataIndex: 'had', render: (v: string) => <Cell text={v} /> },
          {
            title: '他人保存后（当前）',
            dataIndex: 'theirs',
            render: (v: string, r) => (
              <Cell text={v} strong={v !== r.had} type={v !== r.had ? 'warning' : undefined} />
            ),
          },
          {
            title: '您的修改',
            dataIndex: 'mine',
            render: (v: string | null) =>
              v === null ? (
                <Typography.Text type="secondary">未改</Typography.Text>
              ) : (
                <Cell text={v} strong />
              ),
          },
        ]}
      />
    </Modal>
  );
}

function Cell(props: { text: string; strong?: boolean; type?: 'warning' | undefined }) {
  return (
    <Typography.Text
      strong={props.strong}
      type={props.type}
      style={{
        display: 'inline-block',
        maxWidth: 220,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {props.text}
    </Typography.Text>
  );
}
