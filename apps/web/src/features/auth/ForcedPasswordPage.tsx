import { Alert, Button, Flex } from 'antd';
import { useNavigate } from 'react-router';
import { useAuth, useMe } from '../../session';
import { AuthFrame } from './AuthFrame';
import { PasswordChangeForm } from './PasswordChangeForm';

/** While me.mustChangePassword is set, this is the only page the user can reach. */
export default function ForcedPasswordPage() {
  const me = useMe();
  const { refresh, logout } = useAuth();
  const navigate = useNavigate();

  return (
    <AuthFrame subtitle="首次登录 · 修改初始密码">
      <Alert
        type="warning"
        showIcon
        data-testid="forced-password-notice"
        title={`${me.displayName}，您好`}
        description="您正在使用初始密码或管理员重置的密码。为保障账号安全，请先设置新密码，然后才能使用系统。"
        style={{ marginBottom: 20 }}
      />
      <PasswordChangeForm
        username={me.username}
        submitText="修改密码并进入系统"
        onChanged={async () => {
          await refresh();
          navigate('/', { replace: true });
        }}
      />
      <Flex justify="center" style={{ marginTop: 12 }}>
        <Button
          type="link"
          onClick={async () => {
            await logout().catch(() => undefined);
            navigate('/login', { replace: true });
          }}
        >
          退出登录
        </Button>
      </Flex>
    </AuthFrame>
  );
}
