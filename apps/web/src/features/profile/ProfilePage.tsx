import { useState } from 'react';
import { App, Button, Card, Col, Descriptions, Form, Input, Row, Tabs, Tag } from 'antd';
import { useSearchParams } from 'react-router';
import { phone, plainName, roleLabels } from '@xiangmu/contracts';
import { useAuth, useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { api, errorText } from '../../lib/api-client';
import { applyFieldIssues, emptyToNull, zodRule } from '../../lib/forms';
import { PasswordChangeForm } from '../auth';

interface ProfileValues {
  displayName: string;
  phone?: string;
}

function ProfileForm() {
  const me = useMe();
  const { storeMe } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const [busy, setBusy] = useState(false);

  async function onFinish(v: ProfileValues) {
    setBusy(true);
    try {
      storeMe(
        await api.auth.updateProfile({
          displayName: v.displayName.trim(),
          phone: emptyToNull(v.phone),
        }),
      );
      message.success('个人资料已保存');
    } catch (e) {
      if (!applyFieldIssues(form, e)) message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Row gutter={[24, 16]}>
      <Col xs={24} md={12}>
        <Descriptions
          column={1}
          size="small"
          bordered
          items={[
            { key: 'u', label: '用户名', children: me.username },
            { key: 'r', label: '角色', children: <Tag color="blue">{roleLabels[me.role]}</Tag> },
            { key: 'g', label: '所属区域', children: me.regionName },
            { key: 'd', label: '所属部门', children: me.departmentName ?? '—' },
          ]}
        />
      </Col>
      <Col xs={24} md={12}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ displayName: me.displayName, phone: me.phone ?? '' }}
          onFinish={onFinish}
          data-testid="profile-form"
        >
          <Form.Item
            label="姓名"
            name="displayName"
            rules={[{ required: true, message: '请输入姓名' }, zodRule(plainName(30))]}
          >
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item
            label="联系电话"
            name="phone"
            rules={[zodRule(phone)]}
            extra="手机号或座机号，可不填"
          >
            <Input maxLength={20} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存
          </Button>
        </Form>
      </Col>
    </Row>
  );
}

export default function ProfilePage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'password' ? 'password' : 'profile';
  return (
    <>
      <PageHeader title="个人资料" description="修改姓名、联系电话和登录密码" />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) =>
            setParams(key === 'password' ? { tab: 'password' } : {}, { replace: true })
          }
          items={[
            { key: 'profile', label: '基本资料', children: <ProfileForm /> },
            {
              key: 'password',
              label: '修改密码',
              children: (
                <div style={{ maxWidth: 420 }}>
                  <PasswordChangeForm
                    username={me.username}
                    submitText="修改密码"
                    onChanged={() => undefined}
                  />
                </div>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
