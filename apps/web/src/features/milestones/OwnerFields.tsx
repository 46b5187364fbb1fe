import { useQuery } from '@tanstack/react-query';
import { Form, Input, Select, type FormInstance } from 'antd';
import { plainName, roleLabels, type MilestoneOwner, type Role } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { errorText } from '../../lib/api-client';
import { zodRule } from '../../lib/forms';
import { milestonesApi } from './api';

export interface OwnerValues {
  ownerName?: string;
  ownerUserId?: number | null;
}

const roleLabel = (role: string) => roleLabels[role as Role] ?? role;
const ownerLabel = (u: MilestoneOwner) =>
  `${u.displayName}（${roleLabel(u.role)}，${u.departmentName ?? u.regionName}）`;

/**
 * 责任人: a name (a person or a unit, required) and, optionally, the system
 * account it belongs to — then the node shows under that user's "我的节点"
 * and he may mark it done. The accounts offered are the project's candidates
 * (GET /api/projects/:id/milestone-owners: users on the project's region
 * line); choosing one fills in the name, which may then be edited.
 */
export function OwnerFields(props: {
  form: FormInstance;
  projectId: number;
  /** the name shown for an account already linked (when editing) */
  linkedName?: string | null | undefined;
  nameLabel?: string;
}) {
  const me = useMe();
  const owners = useQuery({
    queryKey: ['milestones', me.activeRegionCode, 'owners', props.projectId],
    queryFn: () => milestonesApi.owners(props.projectId),
    staleTime: 60_000,
  });
  const options = (owners.data ?? []).map((u) => ({
    value: u.id,
    label: ownerLabel(u),
    search: `${u.displayName} ${u.departmentName ?? ''} ${u.regionName}`,
    owner: u as MilestoneOwner | undefined,
  }));
  const linked = Form.useWatch('ownerUserId', props.form) as number | null | undefined;
  if (linked && owners.data && !options.some((o) => o.value === linked))
    options.unshift({
      value: linked,
      label: props.linkedName ?? `用户 #${linked}`,
      search: props.linkedName ?? '',
      owner: undefined,
    });

  return (
    <>
      <Form.Item
        label="关联系统账号"
        name="ownerUserId"
        extra="可不选；选择后，该用户可在“我的节点”中看到并完成这些节点"
      >
        <Select<number | null>
          allowClear
          showSearch={{
            filterOption: (input, option) =>
              !!option?.search.toLowerCase().includes(input.trim().toLowerCase()),
          }}
          placeholder="选择本项目所在区域的用户（输入姓名搜索）"
          loading={owners.isLoading}
          options={options}
          notFoundContent={
            owners.isError
              ? `用户列表加载失败（${errorText(owners.error)}），可直接填写责任人`
              : '无匹配用户'
          }
          onChange={(id) => {
            const owner = options.find((o) => o.value === id)?.owner;
            if (owner) {
              props.form.setFieldValue('ownerName', owner.displayName);
              void props.form.validateFields(['ownerName']).catch(() => undefined);
            }
          }}
          data-testid="owner-user"
        />
      </Form.Item>
      <Form.Item
        label={props.nameLabel ?? '责任人'}
        name="ownerName"
        rules={[
          { required: true, whitespace: true, message: '请填写责任人' },
          zodRule(plainName(60)),
        ]}
        extra="个人或单位，如：经开区建设局 王科长"
      >
        <Input maxLength={60} placeholder="责任人姓名或责任单位" data-testid="owner-name" />
      </Form.Item>
    </>
  );
}
