import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  Grid,
  type TableColumnsType,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { roleLabels, roles, type Role, type User } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { InitialPasswordModal, type IssuedPassword } from '../../components/InitialPasswordModal';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText, isApiError } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { UserFormModal } from './UserFormModal';

interface Filters {
  q?: string | undefined;
  role?: Role | undefined;
  regionCode?: string | undefined;
  page: number;
  pageSize: number;
}

function StatusTags({ u }: { u: User }) {
  const tags = [];
  if (u.disabled)
    tags.push(
      <Tag key="d" color="red">
        已停用
      </Tag>,
    );
  if (u.locked)
    tags.push(
      <Tag key="l" color="orange">
        已锁定
      </Tag>,
    );
  if (u.mustChangePassword)
    tags.push(
      <Tag key="p" color="gold">
        待修改密码
      </Tag>,
    );
  if (!tags.length)
    tags.push(
      <Tag key="ok" color="green">
        正常
      </Tag>,
    );
  return (
    <Flex gap={4} wrap>
      {tags}
    </Flex>
  );
}

export default function UsersPage() {
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  // the action column stays in view on wide screens; on phones the table just scrolls
  const wide = !!Grid.useBreakpoint().md;
  const [filters, setFilters] = useState<Filters>({ page: 1, pageSize: 20 });
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<{ open: boolean; user?: User }>({ open: false });
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

  const key = ['users', me.activeRegionCode, filters] as const;
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.users.list(filters),
    placeholderData: keepPreviousData,
  });
  const reload = () => qc.invalidateQueries({ queryKey: ['users'] });

  async function act(label: string, run: () => Promise<unknown>) {
    try {
      await run();
      message.success(label);
    } catch (e) {
      message.error(errorText(e));
      if (isApiError(e, 'VERSION_CONFLICT')) message.info('列表已刷新，请重新操作');
    } finally {
      void reload();
    }
  }

  const columns: TableColumnsType<User> = [
    {
      title: '用户',
      key: 'user',
      width: 200,
      render: (_, u) => (
        <Flex vertical>
          <Typography.Text strong>{u.displayName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {u.username}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: '角色', dataIndex: 'role', width: 100, render: (r: Role) => roleLabels[r] },
    {
      title: '区域 / 部门',
      key: 'region',
      width: 210,
      render: (_, u) => (
        <Flex vertical>
          <span>{u.regionName}</span>
          {u.departmentName && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {u.departmentName}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: '联系电话', dataIndex: 'phone', width: 120, render: (v: string | null) => v ?? '—' },
    { title: '状态', key: 'status', width: 120, render: (_, u) => <StatusTags u={u} /> },
    { title: '最近登录', dataIndex: 'lastLoginAt', width: 160, render: formatDateTime },
    {
      title: '操作',
      key: 'actions',
      width: 210,
      fixed: wide ? 'right' : undefined,
      render: (_, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setEditing({ open: true, user: u })}>
            编辑
          </Button>
          {/* one's own password is changed in 个人资料, with the current password */}
          {u.id !== me.id && (
            <Popconfirm
              title="重置密码"
              description={`为 ${u.displayName} 生成新的初始密码？原密码将立即失效。`}
              onConfirm={() =>
                act('密码已重置', async () => {
                  const { initialPassword } = await api.users.resetPassword(u.id);
                  setIssued({
                    title: '密码已重置',
                    username: u.username,
                    displayName: u.displayName,
                    password: initialPassword,
                  });
                })
              }
            >
              <Button type="link" size="small">
                重置密码
              </Button>
            </Popconfirm>
          )}
          {u.locked && (
            <Button
              type="link"
              size="small"
              onClick={() => act('已解除锁定', () => api.users.unlock(u.id))}
            >
              解锁
            </Button>
          )}
          {u.id !== me.id &&
            (u.disabled ? (
              <Button
                type="link"
                size="small"
                onClick={() =>
                  act('账号已启用', () =>
                    api.users.update(u.id, { disabled: false, version: u.version }),
                  )
                }
              >
                启用
              </Button>
            ) : (
              <Popconfirm
                title="停用账号"
                description={`停用后 ${u.displayName} 将无法登录。`}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  act('账号已停用', () =>
                    api.users.update(u.id, { disabled: true, version: u.version }),
                  )
                }
              >
                <Button type="link" size="small" danger>
                  停用
                </Button>
              </Popconfirm>
            ))}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="用户管理"
        description={`${me.activeRegionName}及下级区域的账号`}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ open: true })}
            data-testid="user-create"
          >
            新建用户
          </Button>
        }
      />
      <Card>
        <Flex gap={8} wrap className="filter-bar" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="用户名或姓名"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(q) => setFilters((f) => ({ ...f, q: q.trim() || undefined, page: 1 }))}
            style={{ width: 220 }}
            data-testid="user-search"
          />
          <Select
            allowClear
            placeholder="全部角色"
            value={filters.role}
            onChange={(role: Role | undefined) => setFilters((f) => ({ ...f, role, page: 1 }))}
            options={roles.map((r) => ({ value: r, label: roleLabels[r] }))}
            style={{ width: 140 }}
          />
          <RegionTreeSelect
            allowClear
            placeholder="全部区域"
            value={filters.regionCode}
            onChange={(regionCode) => setFilters((f) => ({ ...f, regionCode, page: 1 }))}
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
        <Table<User>
          rowKey="id"
          data-testid="users-table"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          locale={emptyLocale(
            filters.q || filters.role || filters.regionCode ? '没有符合条件的用户' : '暂无用户',
            list.isError,
          )}
          scroll={{ x: 'max-content' }}
          size="middle"
          pagination={{
            current: filters.page,
            pageSize: filters.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 个用户`,
            onChange: (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })),
          }}
        />
      </Card>
      <UserFormModal
        open={editing.open}
        user={editing.user}
        onClose={() => setEditing({ open: false })}
        onSaved={() => void reload()}
        onCreated={({ user, initialPassword }) =>
          setIssued({
            title: '用户已创建',
            username: user.username,
            displayName: user.displayName,
            password: initialPassword,
          })
        }
      />
      <InitialPasswordModal issued={issued} onClose={() => setIssued(null)} />
    </>
  );
}
