import { useState, type ReactNode } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Flex,
  Select,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import {
  projectStageLabels,
  type ImportApplyRequest,
  type ImportPreview,
  type ImportRowError,
  type ProjectImport,
  type ProjectStage,
} from '@xiangmu/contracts';
import { useDepartments } from '../../session';
import { errorText } from '../../lib/api-client';
import type { ImportTexts } from './model';

const stageLabel = (s: string) => projectStageLabels[s as ProjectStage] ?? s;

/**
 * 校验预览: what the apply step would write (counts), the rows it leaves out
 * and why, the rows worth a look, and — for projects — the names it would
 * create (unless mapped to existing ones), the 待补充 credit codes, the
 * inferred clusters, stages and batches. Nothing is written before 确认导入.
 */
export function PreviewStep(props: {
  imp: ProjectImport;
  texts: ImportTexts;
  applying: boolean;
  applyError: unknown;
  onApply: (body: ImportApplyRequest) => void;
  onBack: (() => void) | null;
  again: ReactNode;
}) {
  const { imp: d, texts } = props;
  const preview = d.preview;
  const [departments, setDepartments] = useState<Record<string, number | undefined>>({});
  const [leaders, setLeaders] = useState<Record<string, string | undefined>>({});
  const [acceptClusters, setAcceptClusters] = useState(true);
  const writes = d.createRows + d.updateRows;

  const apply = () => {
    const body: ImportApplyRequest = {};
    if (preview) {
      const deps = Object.entries(departments).flatMap(([name, departmentId]) =>
        departmentId === undefined ? [] : [{ name, departmentId }],
      );
      const lead = Object.entries(leaders).flatMap(([name, leaderName]) =>
        leaderName === undefined ? [] : [{ name, leaderName }],
      );
      if (deps.length) body.departments = deps;
      if (lead.length) body.leaders = lead;
      if (preview.inferredClusters.length) body.acceptInferredClusters = acceptClusters;
    }
    props.onApply(body);
  };

  const counts: [string, string, number, string][] = [
    ['create', texts.create, d.createRows, texts.unit],
    ['update', '修改', d.updateRows, texts.unit],
    ['unchanged', '无变化', d.unchangedRows, texts.unit],
    ['rejected', '有问题', d.rejectedRows, '行'],
    ['warnings', '需留意', d.warningRows, '行'],
  ];
  const applyFailure = d.failure ?? (props.applyError != null ? errorText(props.applyError) : null);

  return (
    <Flex vertical gap={16} data-testid="import-validated">
      <Flex gap={12} wrap>
        {counts.map(([key, title, value, suffix]) => (
          <Card
            size="small"
            key={key}
            data-testid={`import-count-${key}`}
            style={{ flex: '1 1 130px' }}
          >
            <Statistic
              title={title}
              value={value}
              suffix={suffix}
              styles={
                value > 0 && (key === 'rejected' || key === 'warnings')
                  ? { content: { color: key === 'rejected' ? '#cf1322' : '#d48806' } }
                  : undefined
              }
            />
          </Card>
        ))}
      </Flex>
      <Alert
        type="info"
        showIcon
        title="校验完成，尚未写入任何数据"
        description={
          d.rejectedRows
            ? `确认导入后，有效的行将一次性写入${texts.target}；有问题的行不会导入，可修改后另行上传。`
            : `确认导入后，有效的行将一次性写入${texts.target}。`
        }
      />

      {d.errors.length > 0 && (
        <section>
          <SectionTitle
            title="有问题的行（不会导入）"
            more={
              d.rejectedRows > d.errors.length
                ? `共 ${d.rejectedRows} 行，仅显示前 ${d.errors.length} 条`
                : undefined
            }
          />
          <RowIssues errors={d.errors} testId="import-errors" />
        </section>
      )}
      {d.warnings.length > 0 && (
        <section>
          <SectionTitle
            title="需留意的行（仍会导入）"
            more={
              d.warningRows > d.warnings.length
                ? `共 ${d.warningRows} 行，仅显示前 ${d.warnings.length} 条`
                : undefined
            }
          />
          <RowIssues errors={d.warnings} testId="import-warnings" />
        </section>
      )}

      {preview && (
        <ProjectPreview
          preview={preview}
          departments={departments}
          onDepartment={(name, id) => setDepartments((m) => ({ ...m, [name]: id }))}
          leaders={leaders}
          onLeader={(name, leader) => setLeaders((m) => ({ ...m, [name]: leader }))}
          acceptClusters={acceptClusters}
          onAcceptClusters={setAcceptClusters}
        />
      )}

      {applyFailure && (
        <Alert
          type="error"
          showIcon
          title="导入未完成"
          description={applyFailure}
          action={props.again}
          data-testid="import-apply-error"
        />
      )}
      <Flex gap={12} align="center" wrap>
        <Button
          type="primary"
          disabled={writes === 0}
          loading={props.applying}
          onClick={apply}
          data-testid="import-apply"
        >
          确认导入（{writes}行）
        </Button>
        {writes === 0 && <Typography.Text type="secondary">没有需要写入的行</Typography.Text>}
        {props.onBack && (
          <Button onClick={props.onBack} data-testid="import-back-to-mapping">
            返回修改列映射
          </Button>
        )}
        {!applyFailure && props.again}
      </Flex>
    </Flex>
  );
}

function SectionTitle({ title, more }: { title: string; more?: string | undefined }) {
  return (
    <Typography.Title level={5} style={{ marginTop: 0 }}>
      {title}
      {more && (
        <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }}>
          （{more}）
        </Typography.Text>
      )}
    </Typography.Title>
  );
}

function RowIssues({ errors, testId }: { errors: ImportRowError[]; testId: string }) {
  const columns: TableColumnsType<ImportRowError & { key: number }> = [
    { title: '行号', dataIndex: 'row', width: 72 },
    { title: '列', dataIndex: 'field', width: 150, render: (f: string | null) => f ?? '—' },
    { title: '原因', dataIndex: 'message' },
  ];
  return (
    <Table
      size="small"
      data-testid={testId}
      columns={columns}
      dataSource={errors.map((e, key) => ({ ...e, key }))}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      scroll={{ x: 'max-content' }}
    />
  );
}

interface NewNameRow {
  name: string;
  rows: number;
}

/** The new names the import would create, each with an optional existing one to use instead. */
function NewNames<V extends string | number>(props: {
  rows: NewNameRow[];
  what: string;
  options: { value: V; label: string }[];
  loading?: boolean;
  chosen: Record<string, V | undefined>;
  onChoose: (name: string, value: V | undefined) => void;
  testId: string;
}) {
  const columns: TableColumnsType<NewNameRow> = [
    {
      title: '文件中的名称',
      dataIndex: 'name',
      render: (name: string) => <span style={{ wordBreak: 'break-word' }}>{name}</span>,
    },
    { title: '涉及', dataIndex: 'rows', width: 80, render: (n: number) => `${n} 行` },
    {
      title: `对应已有${props.what}`,
      key: 'pick',
      width: 260,
      render: (_, r) => (
        <Select<V>
          value={props.chosen[r.name]}
          onChange={(v) => props.onChoose(r.name, v ?? undefined)}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          loading={props.loading}
          placeholder="不对应，将新建"
          options={props.options}
          style={{ width: 240 }}
          aria-label={`${r.name}对应已有${props.what}`}
          data-testid={`${props.testId}-${r.name}`}
        />
      ),
    },
    {
      title: '导入后',
      key: 'result',
      width: 90,
      render: (_, r) =>
        props.chosen[r.name] === undefined ? <Tag color="gold">将新建</Tag> : <Tag>并入已有</Tag>,
    },
  ];
  return (
    <Table
      size="small"
      rowKey="name"
      columns={columns}
      dataSource={props.rows}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      scroll={{ x: 'max-content' }}
    />
  );
}

function ProjectPreview(props: {
  preview: ImportPreview;
  departments: Record<string, number | undefined>;
  onDepartment: (name: string, id: number | undefined) => void;
  leaders: Record<string, string | undefined>;
  onLeader: (name: string, leader: string | undefined) => void;
  acceptClusters: boolean;
  onAcceptClusters: (v: boolean) => void;
}) {
  const p = props.preview;
  const departments = useDepartments(undefined, p.newDepartments.length > 0);
  const facts: ReactNode[] = [];

  if (p.missingCreditCode > 0)
    facts.push(
      <Alert
        key="credit"
        type="warning"
        showIcon
        title={`${p.missingCreditCode} 个项目缺少统一社会信用代码，将标记为「待补充」，可在项目页补录`}
        data-testid="import-missing-credit"
      />,
    );
  if (p.stages.length > 0)
    facts.push(
      <Flex key="stages" gap={8} align="center" wrap data-testid="import-stages">
        <Typography.Text strong>新项目的阶段：</Typography.Text>
        {p.stages.map((s) => (
          <Tag key={s.stage} style={{ marginInlineEnd: 0 }}>
            {stageLabel(s.stage)} {s.rows} 个
          </Tag>
        ))}
      </Flex>,
    );
  if (p.campaign)
    facts.push(
      <Flex key="campaign" gap={8} align="center" wrap data-testid="import-campaign-batches">
        <Typography.Text strong>纳入“三个一批”{p.campaign.name}：</Typography.Text>
        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
          签约一批 {p.campaign.sign} 个
        </Tag>
        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
          开工一批 {p.campaign.start} 个
        </Tag>
        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
          投产一批 {p.campaign.produce} 个
        </Tag>
      </Flex>,
    );
  if (p.inferredClusters.length > 0)
    facts.push(
      <Flex key="clusters" vertical gap={8} data-testid="import-inferred-clusters">
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong>推断的产业集群：</Typography.Text>
          {p.inferredClusters.map((c) => (
            <Tag key={c.cluster} style={{ marginInlineEnd: 0 }}>
              {c.cluster} × {c.rows} 行
            </Tag>
          ))}
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          文件中没有“产业集群”列，已按项目名称和建设内容推断。
        </Typography.Text>
        <Checkbox
          checked={props.acceptClusters}
          onChange={(e) => props.onAcceptClusters(e.target.checked)}
          data-testid="import-accept-clusters"
        >
          采用推断的产业集群（否则记为「其他」）
        </Checkbox>
      </Flex>,
    );

  return (
    <>
      {p.newDepartments.length > 0 && (
        <section data-testid="import-new-departments">
          <SectionTitle title={`将新建的责任单位（${p.newDepartments.length} 个）`} />
          <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 8 }}>
            以下责任单位在系统中还没有。如果其实是已有单位的另一种写法，请选择对应的单位；不选则导入时新建。
          </Typography.Paragraph>
          <NewNames
            rows={p.newDepartments}
            what="单位"
            options={(departments.data ?? []).map((d) => ({
              value: d.id,
              label: `${d.name}（${d.regionName}）`,
            }))}
            loading={departments.isLoading}
            chosen={props.departments}
            onChoose={props.onDepartment}
            testId="import-new-department"
          />
        </section>
      )}
      {p.newLeaders.length > 0 && (
        <section data-testid="import-new-leaders">
          <SectionTitle title={`新的包保领导（${p.newLeaders.length} 位）`} />
          <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 8 }}>
            以下包保领导还没有出现在本区域的项目中。如果是已有领导的另一种写法，请选择对应的姓名。
          </Typography.Paragraph>
          <NewNames
            rows={p.newLeaders}
            what="领导"
            options={p.knownLeaders.map((name) => ({ value: name, label: name }))}
            chosen={props.leaders}
            onChoose={props.onLeader}
            testId="import-new-leader"
          />
        </section>
      )}
      {facts.length > 0 && (
        <Card size="small" title="导入时的处理">
          <Flex vertical gap={12}>
            {facts}
          </Flex>
        </Card>
      )}
    </>
  );
}
