import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { plainName, type Open311Client } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { errorText } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { formatDateTime } from '../../lib/format';
import { open311Api, type CreatedOpen311Client } from './api';
import { ticketKeys } from './model';

/** The api_key of a new client, shown exactly once. */
function IssuedKeyModal(props: { client: CreatedOpen311Client; onClose: () => void }) {
  return (
    <Modal
      open
      title="接入系统已创建"
      onCancel={props.onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={props.onClose}>
          我已保存，关闭
        </Button>
      }
      data-testid="open311-key-modal"
    >
      <Alert
        type="warning"
        showIcon
        title="api_key 只显示这一次"
        description="关闭后无法再次查看，请立即复制并通过安全渠道交给对方系统。丢失后只能停用并重新创建。"
        style={{ marginBottom: 16 }}
      />
      <Descriptions
        column={1}
        bordered
        size="small"
        items={[
          {
            key: 'n',
            label: '系统',
            children: `${props.client.name}（${props.client.regionName}）`,
          },
          {
            key: 'k',
            label: 'api_key',
            children: (
              <Typography.Text
                code
                copyable={{ text: props.client.apiKey, tooltips: ['复制', '已复制'] }}
                style={{ wordBreak: 'break-all' }}
                data-testid="open311-api-key"
              >
                {props.client.apiKey}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Modal>
  );
}

function CreateClientModal(props: {
  onClose: () => void;
  onCreated: (c: CreatedOpen311Client) => void;
}) {
  const me = useMe();
  const [form] = Form.useForm<{ name?: string; regionCode?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(v: { name?: string; regionCode?: string }) {
    setBusy(true);
    setError(null);
    try {
      props.onCreated(
        await open311Api.create({ name: (v.name ?? '').trim(), regionCode: v.regionCode! }),
      );
    } catch (e) {
      applyFieldIssues(form, e);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title="新增接入系统"
      okText="创建并生成 api_key"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        name="open311-client"
        initialValues={{ regionCode: me.activeRegionCode }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="系统名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '请填写系统名称' },
            zodRule(plainName(60)),
          ]}
        >
          <Input
            maxLength={60}
            placeholder="如：12345热线、城市运行视频AI告警"
            data-testid="open311-name"
          />
        </Form.Item>
        <Form.Item
          label="工单区域"
          name="regionCode"
          extra="该系统提交的工单只能落在此区域及下级区域"
          rules={[{ required: true, message: '请选择区域' }]}
        >
          <RegionTreeSelect maxLevel="street" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Open311 接入: external systems (12345, cameras, AI alerts) and their api_keys. */
export function Open311Panel() {
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<CreatedOpen311Client | null>(null);
  const clients = useQuery({
    queryKey: ticketKeys.open311(me.activeRegionCode),
    queryFn: open311Api.list,
  });
  const reload = () =>
    void qc.invalidateQueries({ queryKey: ticketKeys.open311(me.activeRegionCode) });

  async function revoke(c: Open311Client) {
    try {
      await open311Api.revoke(c.id);
      message.success(`已停用“${c.name}”的 api_key`);
      reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  const columns: TableColumnsType<Open311Client> = [
    { title: '系统', dataIndex: 'name', width: 200 },
    { title: '区域', dataIndex: 'regionName', width: 180 },
    {
      title: '状态',
      dataIndex: 'active',
      width: 80,
      render: (a: boolean) => (a ? <Tag color="success">启用</Tag> : <Tag>已停用</Tag>),
    },
    { title: '已提交工单', dataIndex: 'requests', width: 100, align: 'right' },
    {
      title: '创建时间',
      dataIndex: 'createdAt',
      width: 170,
      render: (s: string) => formatDateTime(s),
    },
    {
      title: '操作',
      key: 'op',
      width: 90,
      render: (_, c) =>
        c.active && (
          <Popconfirm
            title={`停用“${c.name}”？`}
            description="停用后该系统的 api_key 立即失效，不能恢复"
            okText="停用"
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke(c)}
          >
            <Button size="small" danger>
              停用
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <Typography.Paragraph type="secondary">
        12345热线、视频监控和AI告警等外部系统按 Open311 GeoReport v2 标准提交工单（接口地址
        /api/open311/v2），以 api_key 识别。
      </Typography.Paragraph>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => setCreating(true)}
        style={{ marginBottom: 12 }}
        data-testid="open311-new"
      >
        新增接入系统
      </Button>
      {clients.isError && (
        <QueryError error={clients.error} onRetry={() => void clients.refetch()} />
      )}
      <Table<Open311Client>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={clients.data ?? []}
        loading={clients.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={emptyLocale('还没有接入系统：新增后把 api_key 交给对方系统', clients.isError)}
        data-testid="open311-clients"
      />
      {creating && (
        <CreateClientModal
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setIssued(c);
            reload();
          }}
        />
      )}
      {issued && <IssuedKeyModal client={issued} onClose={() => setIssued(null)} />}
    </>
  );
}
