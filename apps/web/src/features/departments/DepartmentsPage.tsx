import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Table,
  Tooltip,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { plainName, type Department } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';

interface Values {
  name: string;
  regionCode?: string;
  version?: number;
}

/** Create (no department) or rename (with department) in one modal. */
function DepartmentModal(props: {
  open: boolean;
  department?: Department | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const d = props.department;

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    if (d) form.setFieldsValue({ name: d.name, regionCode: d.regionCode, version: d.version });
  }, [props.open, d, form]);

  async function submit() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      if (d)
        await api.departments.update(d.id, {
          name: v.name.trim(),
          version: v.version ?? d.version,
        });
      else await api.departments.create({ name: v.name.trim(), regionCode: v.regionCode ?? '' });
      message.success(d ? '部门名称已修改' : '部门已创建');
      props.onSaved();
      props.onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
        const current = e.current as Department;
        form.setFieldsValue({ name: current.name, version: current.version });
        message.warning('名称刚被他人修改，已载入最新名称，请核对后重新保存');
        props.onSaved();
      } else if (!applyFieldIssues(form, e)) message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={d ? '修改部门名称' : '新建部门'}
      onCancel={props.onClose}
      onOk={submit}
      okText={d ? '保存' : '创建'}
      confirmLoading={busy}
      forceRender
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid="department-form">
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item
          label="部门名称"
          name="name"
          rules={[{ required: true, message: '请输入部门名称' }, zodRule(plainName(60))]}
        >
          <Input maxLength={60} placeholder="如：经开区建设局" />
        </Form.Item>
        <Form.Item
          label="所属区域"
          name="regionCode"
          rules={[{ required: !d, message: '请选择所属区域' }]}
          extra={d ? '部门所属区域创建后不可更改' : undefined}
        >
          {d ? <Input disabled value={d.regionName} /> : <RegionTreeSelect maxLevel="street" />}
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function DepartmentsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const [q, setQ] = useState<string>();
  const [regionCode, setRegionCode] = useState<string>();
  const [modal, setModal] = useState<{ open: boolean; department?: Department }>({ open: false });
  const list = useQuery({
    queryKey: ['departments', me.activeRegionCode, 'page', q, regionCode],
    queryFn: () => api.departments.list({ q, regionCode }),
  });
  const reload = () => qc.invalidateQueries({ queryKey: ['departments'] });

  const columns: TableColumnsType<Department> = [
    { title: '部门名称', dataIndex: 'name', width: 260 },
    { title: '所属区域', dataIndex: 'regionName', width: 200 },
    { title: '用户数', dataIndex: 'userCount', width: 90, align: 'right' },
    {
      title: '操作',
      key: 'actions',
      width: 100,
      render: (_, d) => (
        <Button type="link" size="small" onClick={() => setModal({ open: true, department: d })}>
          改名
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="部门管理"
        description="责任单位（自然资源、生态环境、住建等）按区域维护，用户可归属到本区域的部门"
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setModal({ open: true })}
            data-testid="department-create"
          >
            新建部门
          </Button>
        }
      />
      <Card>
        <Flex gap={8} wrap className="filter-bar" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="部门名称"
            onSearch={(v) => setQ(v.trim() || undefined)}
            style={{ width: 220 }}
          />
          <RegionTreeSelect
            allowClear
            placeholder="全部区域"
            maxLevel="street"
            value={regionCode}
            onChange={setRegionCode}
            style={{ width: 200 }}
          />
          <Tooltip title="刷新">
            <Button
              className="filter-bar-keep"
              icon={<ReloadOutlined />}
              onClick={() => void reload()}
              aria-label="刷新"
            />
          </Tooltip>
        </Flex>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        <Table<Department>
          rowKey="id"
          data-testid="departments-table"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.isFetching}
          locale={emptyLocale(q || regionCode ? '没有符合条件的部门' : '暂无部门', list.isError)}
          scroll={{ x: 'max-content' }}
          size="middle"
          pagination={{
            defaultPageSize: 20,
            showSizeChanger: true,
            showTotal: (t) => `共 ${t} 个部门`,
            hideOnSinglePage: true,
          }}
        />
      </Card>
      <DepartmentModal
        open={modal.open}
        department={modal.department}
        onClose={() => setModal({ open: false })}
        onSaved={() => void reload()}
      />
    </>
  );
}
