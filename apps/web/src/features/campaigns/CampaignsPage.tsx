import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  InputNumber,
  Modal,
  Table,
  Tag,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import type { Dayjs } from 'dayjs';
import type { Campaign } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { api, errorText } from '../../lib/api-client';
import { campaignsKey, canOpenCampaign, isRunning } from './model';

interface Values {
  number: number;
  startsOn: Dayjs;
  endsOn: Dayjs;
}

function CreateCampaignModal(props: {
  open: boolean;
  next: number;
  onClose: () => void;
  onCreated: (c: Campaign) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (v: Values) =>
      api.campaigns.create({
        number: v.number,
        startsOn: v.startsOn.format('YYYY-MM-DD'),
        endsOn: v.endsOn.format('YYYY-MM-DD'),
      }),
    onSuccess: props.onCreated,
    onError: (e) => setError(errorText(e)),
  });
  return (
    <Modal
      open={props.open}
      title="开启新一期"
      okText="开启"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={create.isPending}
      destroyOnHidden
      data-testid="campaign-create-modal"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="campaign-create-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ number: props.next }}
        onFinish={(v) => {
          setError(null);
          create.mutate(v);
        }}
      >
        <Form.Item
          name="number"
          label="期次（第N期）"
          rules={[{ required: true, message: '请输入期次' }]}
        >
          <InputNumber min={1} max={999} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="startsOn"
          label="开始日期"
          rules={[{ required: true, message: '请选择开始日期' }]}
        >
          <DatePicker style={{ width: '100%' }} placeholder="请选择日期" />
        </Form.Item>
        <Form.Item
          name="endsOn"
          label="结束日期"
          rules={[{ required: true, message: '请选择结束日期' }]}
        >
          <DatePicker style={{ width: '100%' }} placeholder="请选择日期" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function CampaignsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  /** a fresh dialog (form, error) each time it opens */
  const [session, setSession] = useState(0);
  const list = useQuery({
    queryKey: campaignsKey(me.activeRegionCode),
    queryFn: api.campaigns.list,
  });
  const rows = [...(list.data ?? [])].sort((a, b) => b.number - a.number);
  const admin = canOpenCampaign(me.role);

  const columns: TableColumnsType<Campaign> = [
    {
      key: 'name',
      title: '期次',
      render: (_, c) => (
        <Link to={`/campaigns/${c.id}`} data-testid="campaign-link">
          {c.name}
        </Link>
      ),
    },
    { key: 'startsOn', title: '开始日期', dataIndex: 'startsOn' },
    { key: 'endsOn', title: '结束日期', dataIndex: 'endsOn' },
    {
      key: 'status',
      title: '状态',
      render: (_, c) => (isRunning(c) ? <Tag color="processing">进行中</Tag> : <Tag>已结束</Tag>),
    },
  ];

  return (
    <>
      <PageHeader
        title={'"三个一批"'}
        description="签约一批、开工一批、投产一批：按期次跟踪各区县的项目批次"
        extra={
          admin && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setSession((n) => n + 1);
                setCreating(true);
              }}
              data-testid="campaign-create"
            >
              开启新一期
            </Button>
          )
        }
      />
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      <Card size="small">
        <Table
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          onRow={(c) => ({
            onClick: () => void navigate(`/campaigns/${c.id}`),
            style: { cursor: 'pointer' },
          })}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={list.isError ? '数据加载失败' : '还没有开启任何一期'}
                data-testid="campaigns-empty"
              />
            ),
          }}
          data-testid="campaigns-table"
        />
      </Card>
      {admin && (
        <CreateCampaignModal
          key={session}
          open={creating}
          next={(rows[0]?.number ?? 0) + 1}
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            void message.success(`${c.name}已开启`);
            void qc.invalidateQueries({ queryKey: ['campaigns'] });
            void navigate(`/campaigns/${c.id}`);
          }}
        />
      )}
    </>
  );
}
