import { useCallback, useEffect, useState } from 'react';
import { App, Form, Input, Modal, Select } from 'antd';
import {
  phone,
  plainName,
  roleLabels,
  roles,
  username,
  type Region,
  type Role,
  type User,
} from '@xiangmu/contracts';
import { useDepartments, useMe, useRegions } from '../../session';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, emptyToNull, zodRule } from '../../lib/forms';

interface Values {
  username: string;
  displayName: string;
  phone?: string;
  role: Role;
  regionCode?: string;
  departmentId?: number | null;
  /** enterprise accounts: the company's 统一社会信用代码, which links its projects */
  creditCode?: string;
  /** optimistic-lock version of the record being edited */
  version?: number;
}

const toValues = (u: User): Values => ({
  username: u.username,
  displayName: u.displayName,
  phone: u.phone ?? '',
  role: u.role,
  regionCode: u.regionCode,
  departmentId: u.departmentId,
  creditCode: u.creditCode ?? '',
  version: u.version,
});

/** Administrators sit at the level they administer (server: user.policy.ts). */
const regionFitsRole = (role: Role | undefined) => (r: Region) =>
  role === 'city_admin'
    ? r.level === 'city'
    : role === 'district_admin'
      ? r.level === 'district'
      : true;

/**
 * Create (`user` undefined) or edit a user. On create, `onCreated` receives
 * the one-time initial password. On a version conflict the form reloads the
 * record as it is now.
 */
export function UserFormModal(props: {
  open: boolean;
  user?: User | undefined;
  onClose: () => void;
  onSaved: () => void;
  onCreated: (result: { user: User; initialPassword: string }) => void;
}) {
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const editing = !!props.user;
  const role = Form.useWatch('role', form);
  const regionCode = Form.useWatch('regionCode', form);
  const departments = useDepartments(regionCode, props.open && !!regionCode);
  const regions = useRegions();
  const selectable = useCallback((r: Region) => regionFitsRole(role)(r), [role]);

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    if (props.user) form.setFieldsValue(toValues(props.user));
  }, [props.open, props.user, form]);

  const roleOptions = roles
    .filter((r) => r !== 'city_admin' || me.role === 'city_admin')
    .map((r) => ({ value: r, label: roleLabels[r] }));

  async function submit() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const common = {
        displayName: v.displayName.trim(),
        phone: emptyToNull(v.phone),
        role: v.role,
        regionCode: v.regionCode ?? '',
        departmentId: v.departmentId ?? null,
        creditCode: v.role === 'enterprise' ? emptyToNull(v.creditCode) : null,
      };
      if (props.user) {
        await api.users.update(props.user.id, {
          ...common,
          version: v.version ?? props.user.version,
        });
        message.success('用户信息已保存');
      } else {
        props.onCreated(await api.users.create({ ...common, username: v.username.trim() }));
      }
      props.onSaved();
      props.onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
        const current = e.current as User;
        form.setFieldsValue(toValues(current));
        message.warning('该用户刚被他人修改，已载入最新数据，请核对后重新保存');
        props.onSaved();
      } else if (!applyFieldIssues(form, e)) {
        message.error(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={editing ? `编辑用户：${props.user?.displayName ?? ''}` : '新建用户'}
      onCancel={props.onClose}
      onOk={submit}
      okText={editing ? '保存' : '创建'}
      confirmLoading={busy}
      destroyOnHidden
      forceRender
    >
      <Form form={form} layout="vertical" data-testid="user-form" requiredMark>
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item
          label="用户名"
          name="username"
          rules={[{ required: true, message: '请输入用户名' }, zodRule(username)]}
          extra={editing ? '用户名不可修改' : '字母、数字、下划线、点或连字符，3–32位'}
        >
          <Input disabled={editing} maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="姓名"
          name="displayName"
          rules={[{ required: true, message: '请输入姓名' }, zodRule(plainName(30))]}
        >
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item label="联系电话" name="phone" rules={[zodRule(phone)]}>
          <Input maxLength={20} placeholder="手机号或座机号，可不填" />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
          <Select
            options={roleOptions}
            placeholder="请选择角色"
            onChange={(next: Role) => {
              // keep the region if it suits the new role, else make the user choose again
              const current = regions.data?.find(
                (r) => r.code === form.getFieldValue('regionCode'),
              );
              if (current && !regionFitsRole(next)(current))
                form.setFieldsValue({ regionCode: undefined, departmentId: null });
            }}
          />
        </Form.Item>
        <Form.Item
          label="所属区域"
          name="regionCode"
          rules={[{ required: true, message: '请选择所属区域' }]}
          extra={
            role === 'city_admin'
              ? '市级管理员只能设在市级'
              : role === 'district_admin'
                ? '区县管理员只能设在区县/功能区'
                : undefined
          }
        >
          <RegionTreeSelect
            selectable={selectable}
            onChange={() => form.setFieldValue('departmentId', null)}
          />
        </Form.Item>
        {role === 'enterprise' && (
          <Form.Item
            label="企业统一社会信用代码"
            name="creditCode"
            normalize={(v: string) => v.toUpperCase()}
            rules={[{ pattern: /^[0-9A-Z]{18}$/, message: '统一社会信用代码为18位数字或大写字母' }]}
            extra="填写后，该企业账号可以填报本企业（信用代码一致）建设项目的月度调度"
          >
            <Input
              maxLength={18}
              placeholder="如 91410100MA9GL8K3X0"
              data-testid="user-credit-code"
            />
          </Form.Item>
        )}
        <Form.Item label="所属部门（责任单位）" name="departmentId">
          <Select
            allowClear
            disabled={!regionCode}
            loading={departments.isFetching}
            placeholder={regionCode ? '可不选' : '请先选择区域'}
            options={(departments.data ?? [])
              .filter((d) => d.regionCode === regionCode)
              .map((d) => ({ value: d.id, label: d.name }))}
            notFoundContent="该区域暂无部门"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
