import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Popconfirm,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import {
  LOGIN_LOCK_AFTER_FAILURES,
  LOGIN_LOCK_MINUTES,
  LOGIN_PAIR_LIMIT,
  LOGIN_PAIR_MINUTES,
  loginThrottleKindLabels,
  roleLabels,
  type LockedAccount,
  type LoginThrottleBlock,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { api, errorText } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';

const kindColors: Record<LoginThrottleBlock['kind'], string> = {
  pair: 'orange',
  address: 'blue',
  name: 'purple',
};

/** 登录限制: locked accounts and login throttles in the admin's scope, each liftable. */
export default function LoginBlocksPage() {
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery({
    queryKey: ['login-blocks', me.activeRegionCode],
    queryFn: () => api.loginBlocks.list(),
  });
  const reload = () => qc.invalidateQueries({ queryKey: ['login-blocks'] });

  async function act(label: string, run: () => Promise<unknown>) {
    try {
      await run();
      message.success(label);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      void reload();
      void qc.invalidateQueries({ queryKey: ['users'] });
    }
  }

  const accountColumns: TableColumnsType<LockedAccount> = [
    {
      title: '用户',
      key: 'user',
      render: (_, a) => (
        <Flex vertical>
          <Typography.Text strong>{a.displayName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.username}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: '角色', dataIndex: 'role', render: (r: LockedAccount['role']) => roleLabels[r] },
    { title: '区域', dataIndex: 'regionName' },
    { title: '连续失败', dataIndex: 'failedAttempts', render: (n: number) => `${n}次` },
    { title: '锁定至', dataIndex: 'lockedUntil', render: formatDateTime },
    {
      title: '操作',
      key: 'actions',
      render: (_, a) => (
        <Popconfirm
          title="解除锁定"
          description={`解除 ${a.displayName} 的账号锁定？`}
          onConfirm={() => act('已解除锁定', () => api.users.unlock(a.userId))}
        >
          <Button type="link" size="small" data-testid={`unlock-${a.username}`}>
            解除锁定
          </Button>
        </Popconfirm>
      ),
    },
  ];

  const throttleColumns: TableColumnsType<LoginThrottleBlock> = [
    {
      title: '类型',
      dataIndex: 'kind',
      render: (k: LoginThrottleBlock['kind']) => (
        <Tag color={kindColors[k]}>{loginThrottleKindLabels[k]}</Tag>
      ),
    },
    { title: '来源地址', dataIndex: 'address', render: (v: string | null) => v ?? '任意地址' },
    {
      title: '用户名',
      key: 'username',
      render: (_, t) =>
        t.username === null ? (
          '—'
        ) : (
          <Flex vertical>
            <span>{t.username}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t.displayName ? `${t.displayName} · ${t.regionName}` : '系统中没有此用户'}
            </Typography.Text>
          </Flex>
        ),
    },
    { title: '失败次数', dataIndex: 'failures', render: (n: number) => `${n}次` },
    { title: '最近失败', dataIndex: 'lastFailedAt', render: formatDateTime },
    {
      title: '限制',
      key: 'until',
      render: (_, t) =>
        t.blockedUntil
          ? `禁止登录至 ${formatDateTime(t.blockedUntil)}`
          : `每次登录等待 ${(t.delayMs / 1000).toFixed(1)} 秒`,
    },
    {
      title: '操作',
      key: 'actions',
      render: (_, t) => (
        <Popconfirm
          title="解除限制"
          description="解除后该地址（或用户名）的失败计数清零。"
          onConfirm={() => act('已解除限制', () => api.loginBlocks.lift(t.id))}
        >
          <Button type="link" size="small" data-testid={`lift-${t.id}`}>
            解除限制
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="登录限制"
        description={`${me.activeRegionName}及下级区域：被锁定的账号和被限制的登录来源`}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
            刷新
          </Button>
        }
      />
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      <Card title="锁定的账号" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">
          任意地址连续输错密码{LOGIN_LOCK_AFTER_FAILURES}次，账号锁定{LOGIN_LOCK_MINUTES}
          分钟，到期自动解除。
        </Typography.Paragraph>
        <Table<LockedAccount>
          rowKey="userId"
          data-testid="locked-accounts"
          columns={accountColumns}
          dataSource={list.data?.accounts ?? []}
          loading={list.isFetching}
          locale={emptyLocale('当前没有被锁定的账号', list.isError)}
          scroll={{ x: 'max-content' }}
          pagination={false}
          size="middle"
        />
      </Card>
      <Card title="登录来源限制">
        <Typography.Paragraph type="secondary">
          同一地址对同一用户名输错{LOGIN_PAIR_LIMIT}次，该地址+用户名禁止登录{LOGIN_PAIR_MINUTES}
          分钟，同一地址的其他用户不受影响；同一地址失败较多时，从该地址登录会稍作等待（不会被拒绝）。
          地址降速和不存在的用户名只有市级管理员可见。
        </Typography.Paragraph>
        <Table<LoginThrottleBlock>
          rowKey="id"
          data-testid="login-throttles"
          columns={throttleColumns}
          dataSource={list.data?.throttles ?? []}
          loading={list.isFetching}
          locale={emptyLocale('当前没有登录来源限制', list.isError)}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          size="middle"
        />
      </Card>
    </>
  );
}
