import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Form, Input, Select, type FormInstance } from 'antd';
import { plainName, roleLabels, type User } from '@xiangmu/contracts';
import { useMe } from '../../app/auth';
import { api } from '../../lib/api-client';
import { zodRule } from '../../lib/forms';
import { OWNER_ROLES } from './model';

export interface OwnerValues {
  ownerName?: string;
  ownerUserId?: number | null;
}

/**
 * 责任人: a name (a person or a unit, required) and, optionally, the system
 * account it belongs to — then the node shows under that user's "我的节点"
 * and he may mark it done. Accounts come from GET /api/users (user.manage:
 * the same roles that manage milestones), searched on the server; choosing
 * one fills in the name.
 */
export function OwnerFields(props: {
  form: FormInstance;
  /** the project's region: its users are listed first */
  regionCode: string;
  /** label of the account already linked (when editing) */
  linkedName?: string | null | undefined;
  nameLabel?: string;
  required?: boolean;
}) {
  const me = useMe();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<{ id: number; label: string } | null>(null);
  const users = useQuery({
    queryKey: ['users', me.activeRegionCode, 'milestone-owners', q],
    queryFn: () => api.users.list({ page: 1, pageSize: 50, ...(q ? { q } : {}) }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const candidates = (users.data?.items ?? [])
    .filter((u) => OWNER_ROLES.includes(u.role) && !u.disabled)
    .sort(
      (a, b) =>
        Number(b.regionCode === props.regionCode) - Number(a.regionCode === props.regionCode),
    );
  const label = (u: User) => `${u.displayName}（${roleLabels[u.role]}，${u.regionName}）`;
  const options: Array<{ value: number; label: string; user?: User }> = candidates.map((u) => ({
    value: u.id,
    label: label(u),
    user: u,
  }));
  const linked = Form.useWatch('ownerUserId', props.form) as number | null | undefined;
  if (linked && !options.some((o) => o.value === linked)) {
    const text = picked?.id === linked ? picked.label : (props.linkedName ?? `用户 #${linked}`);
    options.unshift({ value: linked, label: text });
  }

  return (
    <>
      <Form.Item
        label="关联系统账号"
        name="ownerUserId"
        extra="可不选；选择后，该用户可在“我的节点”中看到并完成这些节点"
      >
        <Select<number | null>
          allowClear
          showSearch={{ filterOption: false, onSearch: setQ }}
          placeholder="输入姓名或用户名搜索"
          loading={users.isFetching}
          options={options}
          notFoundContent={users.isError ? '用户列表加载失败，可直接填写责任人姓名' : '无匹配用户'}
          onChange={(id) => {
            const option = options.find((o) => o.value === id);
            if (option?.user) {
              setPicked({ id: option.user.id, label: label(option.user) });
              props.form.setFieldValue('ownerName', option.user.displayName);
              void props.form.validateFields(['ownerName']).catch(() => undefined);
            }
            setQ('');
          }}
          data-testid="owner-user"
        />
      </Form.Item>
      <Form.Item
        label={props.nameLabel ?? '责任人'}
        name="ownerName"
        rules={[
          ...(props.required === false
            ? []
            : [{ required: true, whitespace: true, message: '请填写责任人' }]),
          zodRule(plainName(60)),
        ]}
        extra="个人或单位，如：经开区建设局 王科长"
      >
        <Input maxLength={60} placeholder="责任人姓名或责任单位" data-testid="owner-name" />
      </Form.Item>
    </>
  );
}
