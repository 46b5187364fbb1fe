import { useState } from 'react';
import { App, Button, Flex, Form, Input, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, InfoCircleOutlined } from '@ant-design/icons';
import { PASSWORD_MIN_LENGTH, passwordProblems } from '@xiangmu/contracts';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues } from '../../lib/forms';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export const PASSWORD_RULE_TEXT = `${PASSWORD_MIN_LENGTH}–64位，包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名`;

/** The password rule, checked live with the same function the server uses. */
export function PasswordRuleHint({ password, username }: { password: string; username: string }) {
  const problems = password ? passwordProblems(password, username) : [];
  return (
    <div data-testid="password-rule" aria-live="polite" style={{ margin: '4px 0 8px' }}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        <InfoCircleOutlined /> 密码规则：{PASSWORD_RULE_TEXT}
      </Typography.Text>
      {password && (
        <Flex vertical gap={2} style={{ marginTop: 6 }}>
          {problems.length === 0 ? (
            <Typography.Text type="success" data-testid="password-ok">
              <CheckCircleFilled /> 新密码符合要求
            </Typography.Text>
          ) : (
            problems.map((p) => (
              <Typography.Text type="danger" key={p}>
                <CloseCircleFilled /> {p}
              </Typography.Text>
            ))
          )}
        </Flex>
      )}
    </div>
  );
}

/** POST /api/me/password with the live rule check; used by the forced and the voluntary change. */
export function PasswordChangeForm(props: {
  username: string;
  submitText: string;
  onChanged: () => void | Promise<void>;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const newPassword = Form.useWatch('newPassword', form) ?? '';

  async function onFinish(v: Values) {
    setBusy(true);
    try {
      await api.auth.changePassword({
        currentPassword: v.currentPassword,
        newPassword: v.newPassword,
      });
      form.resetFields();
      message.success('密码已修改');
      await props.onChanged();
    } catch (e) {
      if (isApiError(e, 'PASSWORD_WRONG'))
        form.setFields([{ name: 'currentPassword', errors: [e.message] }]);
      else if (isApiError(e, 'PASSWORD_REUSED'))
        form.setFields([{ name: 'newPassword', errors: [e.message] }]);
      else if (!applyFieldIssues(form, e)) message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={onFinish}
      requiredMark={false}
      data-testid="password-form"
    >
      <Form.Item
        label="当前密码"
        name="currentPassword"
        rules={[{ required: true, message: '请输入当前密码' }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        label="新密码"
        name="newPassword"
        rules={[
          { required: true, message: '请输入新密码' },
          {
            // the details are listed live just below (PasswordRuleHint)
            validator: async (_r, value: string | undefined) => {
              if (value && passwordProblems(value, props.username).length)
                throw new Error('新密码不符合规则');
            },
          },
        ]}
        extra={<PasswordRuleHint password={newPassword} username={props.username} />}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label="确认新密码"
        name="confirmPassword"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({
            validator: async (_r, value: string | undefined) => {
              if (value && value !== getFieldValue('newPassword'))
                throw new Error('两次输入的新密码不一致');
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="password-submit">
          {props.submitText}
        </Button>
      </Form.Item>
    </Form>
  );
}
