import { Alert, Button, Flex, Modal, Table, Tag, Typography } from 'antd';
import { formatDateTime } from '../lib/format';

/**
 * A 409 VERSION_CONFLICT: the record as the user opened it, as someone else
 * saved it meanwhile (the answer's `current`), and what the user tried to save.
 */
export interface VersionConflict<Item, Fields> {
  had: Item;
  current: Item;
  mine: Fields;
}

/** One field of the conflict table. */
export interface ConflictRow {
  key: string;
  label: string;
  had: string;
  theirs: string;
  /** null: the user did not change it */
  mine: string | null;
  /** both changed it, to different values */
  clash: boolean;
}

type Side = 'had' | 'theirs' | 'mine';

/**
 * The rows of the fields that the other person or the user changed, in the
 * order of `labels`. `same` compares two versions of a field (amounts as
 * numbers), `show` writes one for people.
 */
export function conflictRows<Fields, Key extends string>(
  labels: Record<Key, string>,
  versions: Record<Side, Fields>,
  same: (k: Key, a: Fields, b: Fields) => boolean,
  show: (k: Key, values: Fields, side: Side) => string,
): ConflictRow[] {
  const { had, theirs, mine } = versions;
  return (Object.keys(labels) as Key[]).flatMap((k) => {
    const theyChanged = !same(k, had, theirs);
    const iChanged = !same(k, had, mine);
    if (!theyChanged && !iChanged) return [];
    return [
      {
        key: k,
        label: labels[k],
        had: show(k, had, 'had'),
        theirs: show(k, theirs, 'theirs'),
        mine: iChanged ? show(k, mine, 'mine') : null,
        clash: theyChanged && iChanged && !same(k, theirs, mine),
      },
    ];
  });
}

/**
 * The row of something the form does not edit but that moved meanwhile (a
 * project's stage, a node's status): shown first, never a clash; none when it
 * did not move.
 */
export const movedRow = (key: string, label: string, had: string, theirs: string): ConflictRow[] =>
  had === theirs ? [] : [{ key, label, had, theirs, mine: null, clash: false }];

/**
 * The dialog of an edit that met a newer version (optimistic locking): which
 * fields the other person changed, which the user changed, where both did.
 * The user continues from the saved version, keeping or dropping his own
 * changes, and saves again; nothing is lost silently.
 */
export function VersionConflictModal(props: {
  /** the table's rows; null: closed */
  rows: ConflictRow[] | null;
  /** 项目 → "项目已被他人修改" */
  subject: string;
  /** 这个项目 → "…有人已保存了这个项目…" */
  thisSubject: string;
  /** when the other version was saved, and by whom (absent: "对方") */
  savedAt?: string | undefined;
  savedBy?: string | undefined;
  /** test ids: `${testIdPrefix}-table`, `-take-theirs`, `-keep-mine` */
  testIdPrefix: string;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onCancel: () => void;
}) {
  const saved = props.savedAt
    ? `${props.savedBy ? `${props.savedBy} ` : '对方'}保存于 ${formatDateTime(props.savedAt)}。`
    : '';
  return (
    <Modal
      open={!!props.rows}
      title={`${props.subject}已被他人修改`}
      width={760}
      onCancel={props.onCancel}
      mask={{ closable: false }}
      footer={
        <Flex justify="flex-end" gap={8} wrap>
          <Button onClick={props.onTakeTheirs} data-testid={`${props.testIdPrefix}-take-theirs`}>
            放弃我的修改，载入最新数据
          </Button>
          <Button
            type="primary"
            onClick={props.onKeepMine}
            data-testid={`${props.testIdPrefix}-keep-mine`}
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
        title={`您编辑期间，有人已保存了${props.thisSubject}，您的修改尚未保存`}
        description={`${saved}请核对下列差异，选择如何继续；之后需再次点击“保存”。`}
        style={{ marginBottom: 12 }}
      />
      <Table<ConflictRow>
        data-testid={`${props.testIdPrefix}-table`}
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={props.rows ?? []}
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
        maxWidth: 200,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {props.text}
    </Typography.Text>
  );
}
