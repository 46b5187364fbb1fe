import { Alert, Button, Flex, Modal, Table, Tag, Typography } from 'antd';
import { compareDecimals, type MonthlyReport } from '@xiangmu/contracts';
import { formatDateTime } from '../../lib/format';
import { formatWan } from './model';

/** What the form edits, as the API takes it (万元, photo ids). */
export interface ReportFields {
  invested: string;
  progress: string;
  problems: string;
  photoIds: number[];
}

type Field = keyof ReportFields;

const fieldLabels: Record<Field, string> = {
  invested: '本月完成投资',
  progress: '形象进度',
  problems: '存在问题',
  photoIds: '照片',
};

export const reportFieldsOf = (r: MonthlyReport): ReportFields => ({
  invested: r.invested,
  progress: r.progress,
  problems: r.problems,
  photoIds: r.photos.map((p) => p.id),
});

/** Whether two versions of a field are the same (amounts compared as numbers). */
export const sameField = (k: Field, a: ReportFields, b: ReportFields) =>
  k === 'photoIds'
    ? a.photoIds.join(',') === b.photoIds.join(',')
    : k === 'invested'
      ? a.invested && b.invested
        ? compareDecimals(a.invested, b.invested) === 0
        : a.invested === b.invested
      : a[k] === b[k];

const show = (k: Field, v: ReportFields): string => {
  if (k === 'photoIds') return v.photoIds.length ? `${v.photoIds.length}张` : '无';
  if (k === 'invested') return v.invested ? formatWan(v.invested) : '—';
  return v[k] || '—';
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
 * 409 VERSION_CONFLICT on a report edit, as for projects (features/projects/ConflictModal):
 * what the other person changed, what the user changed, where both did. The
 * user continues from the saved version, keeping or dropping his own changes.
 */
export function ReportConflictModal(props: {
  conflict: { had: MonthlyReport; current: MonthlyReport; mine: ReportFields } | null;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onCancel: () => void;
}) {
  const c = props.conflict;
  let rows: Row[] = [];
  if (c) {
    const had = reportFieldsOf(c.had);
    const theirs = reportFieldsOf(c.current);
    rows = (Object.keys(fieldLabels) as Field[])
      .filter((k) => !sameField(k, had, theirs) || !sameField(k, had, c.mine))
      .map((k) => ({
        key: k,
        label: fieldLabels[k],
        had: show(k, had),
        theirs: show(k, theirs),
        mine: sameField(k, had, c.mine) ? null : show(k, c.mine),
        clash:
          !sameField(k, had, theirs) && !sameField(k, had, c.mine) && !sameField(k, theirs, c.mine),
      }));
  }

  return (
    <Modal
      open={!!c}
      title="报告已被他人修改"
      width={760}
      onCancel={props.onCancel}
      mask={{ closable: false }}
      footer={
        <Flex justify="flex-end" gap={8} wrap>
          <Button onClick={props.onTakeTheirs} data-testid="report-conflict-take-theirs">
            放弃我的修改，载入最新数据
          </Button>
          <Button type="primary" onClick={props.onKeepMine} data-testid="report-conflict-keep-mine">
            载入最新数据并保留我的修改
          </Button>
        </Flex>
      }
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title="您编辑期间，有人已保存了这份报告，您的修改尚未保存"
        description={
          c
            ? `${c.current.reporterName} 保存于 ${formatDateTime(c.current.updatedAt)}。请核对下列差异，选择如何继续；之后需再次点击“保存”。`
            : undefined
        }
        style={{ marginBottom: 12 }}
      />
      <Table<Row>
        data-testid="report-conflict-table"
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
        maxWidth: 180,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {props.text}
    </Typography.Text>
  );
}
