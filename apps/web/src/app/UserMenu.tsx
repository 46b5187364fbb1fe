import { App, Avatar, Button, Dropdown, type MenuProps } from 'antd';
import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { roleLabels } from '@xiangmu/contracts';
import { errorText } from '../lib/api-client';
import { useAuth, useMe } from '../session';

/** Header dropdown: 个人资料, 修改密码, 退出登录. */
export function UserMenu({ compact }: { compact: boolean }) {
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();

  const items: MenuProps['items'] = [
    {
      key: 'who',
      type: 'group',
      label: `${me.displayName}（${roleLabels[me.role]}）`,
    },
    { key: 'profile', icon: <UserOutlined />, label: '个人资料' },
    { key: 'password', icon: <KeyOutlined />, label: '修改密码' },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: '退出登录', danger: true },
  ];

  const onClick: MenuProps['onClick'] = async ({ key }) => {
    if (key === 'profile') navigate('/profile');
    if (key === 'password') navigate('/profile?tab=password');
    if (key === 'logout') {
      try {
        await logout();
        message.success('已退出登录');
      } catch (e) {
        // The local session is cleared in any case.
        message.warning(errorText(e));
      }
      navigate('/login', { replace: true });
    }
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button
        type="text"
        data-testid="user-menu"
        aria-label="用户菜单"
        style={{ paddingInline: 6 }}
      >
        <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1554ad' }} />
        {!compact && (
          <span style={{ maxWidth: 140, overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {me.displayName}
          </span>
        )}
      </Button>
    </Dropdown>
  );
}
