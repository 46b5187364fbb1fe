import { Alert, Button, Flex, Modal, Table, Tag, Typography } from 'antd';
import { milestoneStatusLabels, type Milestone } from '@xiangmu/contracts';

/** The editable fields of a node, as the form holds them. */
export interface MilestoneFields {
  name: string;
  dueOn: string;
  ownerName: string;
  ownerUserId: number | null;
}

type Field = keyof MilestoneFields;

const fieldLabels: Record<Field, string> = {
  name: '节点名称',
  dueOn: '截止日期',
  ownerName: '责任人',
  ownerUserId: '关联系统账号',
};

interface Row {
  key: string;
  label: string;
  had: string;
  theirs: string;
  mine: string | null;
  clash: boolean;
}

const fieldsOf = (m: Milestone): MilestoneFields => ({
  name: m.name,
  dueOn: m.dueOn,
  ownerName: m.ownerName,
  ownerUserId: m.ownerUserId,
});

const show = (k: Field, v: MilestoneFields[Field]): string => {
  if (v === null || v === '') return '—';
  if (k === 'ownerUserId') return `已关联（#${v}）`;
  return String(v);
};

/**
 * 409 VERSION_CONFLICT on a node edit, as for projects (features/projects/ConflictModal):
 * what the other person changed, what the user changed, where both did. The
 * user continues from the saved version, keeping or dropping his own changes.
 */
export function MilestoneConflictModal(props: {
  conflict: { had: Milestone; current: Milestone; mine: MilestoneFields } | null;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onCancel: () => void;
}) {
  const c = props.conflict;
  let rows: Row[] = [];
  if (c) {
    const had = fieldsOf(c.had);
    const theirs = fieldsOf(c.current);
    rows = (Object.keys(fieldLabels) as Field[])
      .filter((k) => had[k] !== theirs[k] || had[k] !== c.mine[k])
      .map((k) => ({
        key: k,
        label: fieldLabels[k],
        had: show(k, had[k]),
        theirs: show(k, theirs[k]),
        mine: had[k] !== c.mine[k] ? show(k, c.mine[k]) : null,
        clash: had[k] !== theirs[k] && had[k] !== c.mine[k] && theirs[k] !== c.mine[k],
      }));
    if (c.had.status !== c.current.status)
      rows.unshift({
        key: 'status',
        label: '状态',
        had: milestoneStatusLabels[c.had.status],
        theirs: milestoneStatusLabels[c.current.status],
        mine: null,
        clash: false,
      });
  }

  return (
    <Modal
      open={!!c}
      title="节点已被他人修改"
      width={720}
      onCancel={props.onCancel}
      mask={{ closable: false }}
      footer={
        <Flex justify="flex-end" gap={8} wrap>
          <Button onClick={props.onTakeTheirs} data-testid="milestone-conflict-take-theirs">
            放弃我的修改，载入最新数据
          </Button>
          <Button
            type="primary"
            onClick={props.onKeepMine}
            data-testid="milestone-conflict-keep-mine"
          >
            载入最新数据并保留我的修改
          </Button>
        </Flex>
      }
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title="您编辑期间，有人已保存了这个节点，您的修改尚未保存"
        description="请核对下列差异，选择如何继续；之后需再次点击“保存”。"
        style={{ marginBottom: 12 }}
      />
      <Table<Row>
        data-testid="milestone-conflict-table"
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: '字段',
            dataIndex: 'label',
            width: 120,
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
          { title: '您打开时', dataIndex: 'had' },
          {
            title: '他人保存后（当前）',
            dataIndex: 'theirs',
            render: (v: string, r) => (
              <Typography.Text strong={v !== r.had} type={v !== r.had ? 'warning' : undefined}>
                {v}
              </Typography.Text>
            ),
          },
          {
            title: '您的修改',
            dataIndex: 'mine',
            render: (v: string | null) =>
              v === null ? (
                <Typography.Text type="secondary">未改</Typography.Text>
              ) : (
                <Typography.Text strong>{v}</Typography.Text>
              ),
          },
        ]}
      />
    </Modal>
  );
}
