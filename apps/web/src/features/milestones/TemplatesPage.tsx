import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Flex,
  Form,
  Grid,
  Input,
  InputNumber,
  Table,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { plainName, type MilestoneTemplate, type TemplateStep } from '@xiangmu/contracts';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { errorText, isApiError } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { milestonesApi } from './api';
import { milestoneKeys } from './model';

interface Values {
  name?: string;
  steps?: Array<Partial<TemplateStep>>;
}

const MAX_STEPS = 30;

/** working days from the first node to the target */
const span = (steps: readonly TemplateStep[]) =>
  steps.slice(0, -1).reduce((n, s) => n + s.workdaysToNext, 0);

function TemplateDrawer(props: {
  template: MilestoneTemplate | null;
  onClose: () => void;
  onSaved: (t: MilestoneTemplate) => void;
}) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [base, setBase] = useState(props.template);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState<MilestoneTemplate | null>(null);
  const [busy, setBusy] = useState(false);
  const steps = Form.useWatch('steps', form) ?? [];

  async function submit(v: Values) {
    setBusy(true);
    setError(null);
    const list = v.steps ?? [];
    const body = {
      name: (v.name ?? '').trim(),
      steps: list.map((s, i) => ({
        name: (s.name ?? '').trim(),
        workdaysToNext: i === list.length - 1 ? 0 : (s.workdaysToNext ?? 0),
      })),
    };
    try {
      const saved = base
        ? await milestonesApi.templates.update(base.id, { ...body, version: base.version })
        : await milestonesApi.templates.create(body);
      message.success(`节点模板“${saved.name}”已保存`);
      props.onSaved(saved);
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
        setStale(e.current as MilestoneTemplate);
      } else {
        applyFieldIssues(form, e);
        setError(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Drawer
      open
      title={base ? `编辑节点模板：${base.name}` : '新建节点模板'}
      size={screens.md ? 640 : '100%'}
      onClose={props.onClose}
      destroyOnHidden
      data-testid="template-drawer"
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={props.onClose}>取消</Button>
          <Button
            type="primary"
            loading={busy}
            onClick={() => form.submit()}
            data-testid="template-save"
          >
            保存
          </Button>
        </Flex>
      }
    >
      {stale && (
        <Alert
          type="warning"
          showIcon
          title="模板已被他人修改，您的修改尚未保存"
          description={`对方保存于 ${formatDateTime(stale.updatedAt)}。`}
          style={{ marginBottom: 16 }}
          action={
            <Flex vertical gap={4}>
              <Button
                size="small"
                onClick={() => {
                  setBase(stale);
                  form.setFieldsValue({ name: stale.name, steps: stale.steps });
                  setStale(null);
                }}
              >
                载入最新（放弃我的修改）
              </Button>
              <Button
                size="small"
                type="primary"
                onClick={() => {
                  setBase(stale);
                  setStale(null);
                }}
              >
                保留我的修改
              </Button>
            </Flex>
          }
          data-testid="template-conflict"
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="template-error"
        />
      )}
      <Form
        form={form}
        name="milestone-template"
        layout="vertical"
        initialValues={
          base
            ? { name: base.name, steps: base.steps }
            : {
                steps: [
                  { name: '', workdaysToNext: 10 },
                  { name: '', workdaysToNext: 0 },
                ],
              }
        }
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="模板名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '请填写模板名称' },
            zodRule(plainName(40)),
          ]}
        >
          <Input
            maxLength={40}
            placeholder="如：工业项目（签约至投产）"
            data-testid="template-name"
          />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          按时间顺序填写节点；“到下一节点”为工作日数（不含周末和法定节假日，含调休上班日）。最后一个节点即目标日期，倒排工期时从它向前推算。
        </Typography.Paragraph>
        <Form.List
          name="steps"
          rules={[
            {
              validator: async (_, list: unknown[] | undefined) => {
                if (!list || list.length < 1) throw new Error('至少需要一个节点');
              },
            },
          ]}
        >
          {(fields, { add, remove, move }, { errors }) => (
            <Flex vertical gap={8} data-testid="template-steps">
              {fields.map((field, i) => {
                const last = i === fields.length - 1;
                return (
                  <Flex
                    key={field.key}
                    gap={8}
                    align="flex-start"
                    wrap={!screens.sm}
                    data-testid="template-step"
                  >
                    <Typography.Text
                      type="secondary"
                      style={{ width: 24, lineHeight: '32px', flex: 'none', textAlign: 'right' }}
                    >
                      {i + 1}.
                    </Typography.Text>
                    <Form.Item
                      name={[field.name, 'name']}
                      style={{ flex: '1 1 180px', marginBottom: 0 }}
                      rules={[
                        { required: true, whitespace: true, message: '请填写节点名称' },
                        zodRule(plainName(40)),
                      ]}
                    >
                      <Input
                        maxLength={40}
                        placeholder={last ? '目标节点，如：竣工投产' : '节点名称'}
                        aria-label={`第${i + 1}个节点名称`}
                      />
                    </Form.Item>
                    {last ? (
                      <Typography.Text
                        type="secondary"
                        style={{ width: 190, lineHeight: '32px', flex: 'none' }}
                      >
                        目标日期
                      </Typography.Text>
                    ) : (
                      <Form.Item
                        name={[field.name, 'workdaysToNext']}
                        style={{ width: 190, marginBottom: 0, flex: 'none' }}
                        rules={[{ required: true, message: '请填写工作日' }]}
                      >
                        <InputNumber
                          min={0}
                          max={1000}
                          precision={0}
                          prefix="到下一节点"
                          suffix="工作日"
                          style={{ width: '100%' }}
                          aria-label={`第${i + 1}个节点到下一节点的工作日`}
                        />
                      </Form.Item>
                    )}
                    <Flex gap={2} style={{ flex: 'none' }}>
                      <Tooltip title="上移">
                        <Button
                          icon={<ArrowUpOutlined />}
                          disabled={i === 0}
                          onClick={() => move(i, i - 1)}
                          aria-label="上移"
                        />
                      </Tooltip>
                      <Tooltip title="下移">
                        <Button
                          icon={<ArrowDownOutlined />}
                          disabled={last}
                          onClick={() => move(i, i + 1)}
                          aria-label="下移"
                        />
                      </Tooltip>
                      <Tooltip title="删除">
                        <Button
                          danger
                          icon={<DeleteOutlined />}
                          disabled={fields.length <= 1}
                          onClick={() => remove(field.name)}
                          aria-label="删除"
                        />
                      </Tooltip>
                    </Flex>
                  </Flex>
                );
              })}
              <Form.ErrorList errors={errors} />
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                disabled={fields.length >= MAX_STEPS}
                onClick={() =>
                  add({ name: '', workdaysToNext: 10 }, Math.max(0, fields.length - 1))
                }
                data-testid="template-add-step"
              >
                在目标节点前添加节点
              </Button>
              <Typography.Text type="secondary" data-testid="template-span">
                共{fields.length}个节点，首个节点到目标日期共
                {steps
                  .slice(0, -1)
                  .reduce(
                    (n, s) => n + (typeof s?.workdaysToNext === 'number' ? s.workdaysToNext : 0),
                    0,
                  )}
                个工作日
              </Typography.Text>
            </Flex>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}

/** 节点模板 (city admin): the node lists 倒排工期 starts from. */
export default function TemplatesPage() {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<{ template: MilestoneTemplate | null } | null>(null);
  const [session, setSession] = useState(0);
  const list = useQuery({
    queryKey: milestoneKeys.templates,
    queryFn: milestonesApi.templates.list,
  });
  const open = (template: MilestoneTemplate | null) => {
    setSession((n) => n + 1);
    setEditing({ template });
  };

  const columns: TableColumnsType<MilestoneTemplate> = [
    {
      title: '模板名称',
      dataIndex: 'name',
      width: 220,
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: '节点',
      key: 'steps',
      render: (_, t) => (
        <Typography.Paragraph
          style={{ margin: 0, maxWidth: 560 }}
          ellipsis={{ rows: 2, tooltip: true }}
        >
          {t.steps.map((s) => s.name).join(' → ')}
        </Typography.Paragraph>
      ),
    },
    {
      title: '节点数',
      key: 'count',
      width: 80,
      align: 'right',
      render: (_, t) => t.steps.length,
    },
    {
      title: '总工期（工作日）',
      key: 'span',
      width: 140,
      align: 'right',
      render: (_, t) => span(t.steps),
    },
    {
      title: '更新时间',
      key: 'updatedAt',
      width: 170,
      render: (_, t) => formatDateTime(t.updatedAt),
    },
    {
      title: '操作',
      key: 'actions',
      width: 90,
      render: (_, t) => (
        <Button
          size="small"
          icon={<EditOutlined />}
          onClick={() => open(t)}
          data-testid="template-edit"
        >
          编辑
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="节点模板"
        description="倒排工期所用的节点清单：每个节点到下一节点的工作日数，最后一个节点即目标日期"
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => open(null)}
            data-testid="template-create"
          >
            新建模板
          </Button>
        }
      />
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      <Card size="small">
        <Table<MilestoneTemplate>
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          columns={columns}
          dataSource={list.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={list.isError ? '数据加载失败' : '还没有节点模板'}
              />
            ),
          }}
          data-testid="templates-table"
        />
      </Card>
      {editing && (
        <TemplateDrawer
          key={session}
          template={editing.template}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void qc.invalidateQueries({ queryKey: milestoneKeys.templates });
          }}
        />
      )}
    </>
  );
}
