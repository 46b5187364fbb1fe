import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useLocation, useNavigate } from 'react-router';
import { LOGIN_LOCK_AFTER_FAILURES, LOGIN_LOCK_MINUTES } from '@xiangmu/contracts';
import { FORCED_PASSWORD_PATH, useAuth } from '../../session';
import { errorText } from '../../lib/api-client';
import { applyFieldIssues } from '../../lib/forms';
import { AuthFrame } from './AuthFrame';

interface LoginValues {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<LoginValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;

  async function onFinish(values: LoginValues) {
    setBusy(true);
    setError(null);
    try {
      const me = await login({ username: values.username.trim(), password: values.password });
      navigate(
        me.mustChangePassword ? FORCED_PASSWORD_PATH : from && from !== '/login' ? from : '/',
        {
          replace: true,
        },
      );
    } catch (e) {
      // wrong password (with the attempts left), locked, disabled, throttled …
      setError(errorText(e));
      applyFieldIssues(form, e);
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame subtitle="重点项目管理平台 · 登录">
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          data-testid="login-error"
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" size="large" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          label="用户名"
          name="username"
          rules={[{ required: true, message: '请输入用户名' }]}
        >
          <Input
            prefix={<UserOutlined />}
            autoComplete="username"
            autoFocus
            placeholder="请输入用户名"
          />
        </Form.Item>
        <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="current-password"
            placeholder="请输入密码"
          />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            登录
          </Button>
        </Form.Item>
      </Form>
      <Typography.Paragraph
        type="secondary"
        style={{ margin: 0, fontSize: 12, textAlign: 'center' }}
      >
        连续输错密码{LOGIN_LOCK_AFTER_FAILURES}次，账号将锁定{LOGIN_LOCK_MINUTES}
        分钟；忘记密码请联系管理员重置。
      </Typography.Paragraph>
    </AuthFrame>
  );
}
