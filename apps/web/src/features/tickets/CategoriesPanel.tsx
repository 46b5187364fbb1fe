import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Form,
  Grid,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  type TableColumnsType,
} from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  plainName,
  ticketSourceLabels,
  ticketSources,
  ticketTimeLimitLabel,
  type TicketCategory,
  type TicketSource,
  type TicketTimeLimit,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { ticketsApi } from './api';
import { ticketKeys } from './model';
import { useTicketCategories } from './queries';

interface Values {
  source: TicketSource;
  name?: string;
  limitValue?: number;
  limitUnit: TicketTimeLimit['unit'];
  active: boolean;
}

/** 新增 / 修改 a category: name, time limit, active (a new limit applies to tickets registered after). */
function CategoryModal(props: { category: TicketCategory | null; onClose: () => void }) {
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = props.category;

  async function submit(v: Values) {
    setBusy(true);
    setError(null);
    const timeLimit = { value: v.limitValue!, unit: v.limitUnit };
    try {
      if (c)
        await ticketsApi.updateCategory(c.id, {
          name: (v.name ?? '').trim(),
          timeLimit,
          active: v.active,
          version: c.version,
        });
      else
        await ticketsApi.createCategory({
          source: v.source,
          name: (v.name ?? '').trim(),
          timeLimit,
        });
      message.success(c ? '类别已修改' : '类别已新增');
      void qc.invalidateQueries({ queryKey: ticketKeys.categories(me.activeRegionCode) });
      props.onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT')) {
        message.warning('该类别刚被他人修改，已刷新，请重新编辑');
        void qc.invalidateQueries({ queryKey: ticketKeys.all });
        props.onClose();
        return;
      }
      applyFieldIssues(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={c ? `修改类别 · ${ticketSourceLabels[c.source]}` : '新增类别'}
      okText="保存"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      style={screens.sm ? undefined : { top: 8, maxWidth: 'calc(100vw - 16px)' }}
      destroyOnHidden
      data-testid="ticket-category-modal"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {c && (
        <Alert
          type="info"
          showIcon
          title="新时限对此后登记的工单生效，已登记工单的期限不变"
          style={{ marginBottom: 16 }}
        />
      )}
      <Form
        form={form}
        layout="vertical"
        name="ticket-category"
        initialValues={{
          source: c?.source ?? 'enterprise',
          name: c?.name,
          limitValue: c?.timeLimit.value ?? 5,
          limitUnit: c?.timeLimit.unit ?? 'working_days',
          active: c?.active ?? true,
        }}
        onFinish={(v) => void submit(v)}
      >
        {!c && (
          <Form.Item label="来源" name="source" rules={[{ required: true }]}>
            <Select
              options={ticketSources.map((s) => ({ value: s, label: ticketSourceLabels[s] }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label="名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '请填写名称' },
            zodRule(plainName(40)),
          ]}
        >
          <Input maxLength={40} data-testid="ticket-category-name" />
        </Form.Item>
        <Form.Item label="办理时限" required>
          <Space.Compact>
            <Form.Item
              name="limitValue"
              noStyle
              rules={[{ required: true, message: '请填写时限' }]}
            >
              <InputNumber
                min={1}
                max={720}
                precision={0}
                style={{ width: 120 }}
                data-testid="ticket-category-limit"
              />
            </Form.Item>
            <Form.Item name="limitUnit" noStyle>
              <Select
                style={{ width: 130 }}
                options={[
                  { value: 'working_days', label: '个工作日' },
                  { value: 'hours', label: '小时' },
                ]}
              />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        {c && (
          <Form.Item
            label="启用"
            name="active"
            valuePropName="checked"
            extra="停用后不能再选该类别登记工单"
          >
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 工单类别 by source, with their time limits (city_admin edits them). */
export function CategoriesPanel() {
  const me = useMe();
  const categories = useTicketCategories();
  const [editing, setEditing] = useState<{
    category: TicketCategory | null;
    session: number;
  } | null>(null);
  const manage = me.role === 'city_admin';
  const open = (category: TicketCategory | null) =>
    setEditing((old) => ({ category, session: (old?.session ?? 0) + 1 }));

  const columns: TableColumnsType<TicketCategory> = [
    {
      title: '来源',
      dataIndex: 'source',
      width: 110,
      render: (s: TicketSource) => ticketSourceLabels[s],
      filters: ticketSources.map((s) => ({ text: ticketSourceLabels[s], value: s })),
      onFilter: (v, c) => c.source === v,
    },
    { title: '类别', dataIndex: 'name', width: 160 },
    {
      title: '办理时限',
      key: 'limit',
      width: 120,
      render: (_, c) => ticketTimeLimitLabel(c.timeLimit),
    },
    {
      title: '状态',
      dataIndex: 'active',
      width: 80,
      render: (a: boolean) => (a ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
    },
    ...(manage
      ? [
          {
            title: '操作',
            key: 'op',
            width: 80,
            render: (_: unknown, c: TicketCategory) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => open(c)}
                data-testid="ticket-category-edit"
              >
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      {manage ? (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => open(null)}
          style={{ marginBottom: 12 }}
        >
          新增类别
        </Button>
      ) : (
        <Alert
          type="info"
          showIcon
          title="工单类别和时限由市级管理员统一设置"
          style={{ marginBottom: 12 }}
        />
      )}
      {categories.isError && (
        <QueryError error={categories.error} onRetry={() => void categories.refetch()} />
      )}
      <Table<TicketCategory>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={categories.data ?? []}
        loading={categories.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={emptyLocale('还没有工单类别，点击“新增类别”设置', categories.isError)}
        data-testid="ticket-categories"
      />
      {editing && (
        <CategoryModal
          key={editing.session}
          category={editing.category}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
