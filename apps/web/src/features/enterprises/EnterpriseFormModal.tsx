import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Grid, Input, Modal, Select } from 'antd';
import {
  creditCode,
  enterpriseSizeLabels,
  enterpriseSizes,
  phone,
  plainName,
  plainText,
  type Enterprise,
  type EnterpriseSize,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { enterpriseKeys, enterprisesApi } from './api';

interface Values {
  creditCode?: string;
  name?: string;
  industry?: string;
  regionCode?: string;
  size?: EnterpriseSize;
  address?: string;
  contactName?: string;
  contactPhone?: string;
  cadreUserId?: number | null;
}

/** 包联干部: the leaders of the region (GET /api/users is for admins, who alone edit enterprises) */
function CadreSelect(props: {
  value?: number | null;
  onChange?: (v: number | null) => void;
  id?: string;
}) {
  const me = useMe();
  const leaders = useQuery({
    queryKey: ['users', me.activeRegionCode, 'leaders'],
    queryFn: () => api.users.list({ page: 1, pageSize: 200, role: 'leader' }),
    staleTime: 60_000,
  });
  return (
    <Select
      id={props.id}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={props.value ?? undefined}
      onChange={(v: number | undefined) => props.onChange?.(v ?? null)}
      placeholder="选择包联干部"
      loading={leaders.isLoading}
      notFoundContent={
        leaders.isError ? '干部加载失败' : '本区域还没有包联干部（角色为“领导”的用户）'
      }
      options={(leaders.data?.items ?? [])
        .filter((u) => !u.disabled)
        .map((u) => ({ value: u.id, label: `${u.displayName}（${u.regionName}）` }))}
      data-testid="enterprise-cadre"
    />
  );
}

const optional = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

/** 登记企业 / 修改: 统一社会信用代码 is fixed once registered. */
export function EnterpriseFormModal(props: { enterprise: Enterprise | null; onClose: () => void }) {
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const e = props.enterprise;

  async function submit(v: Values) {
    setBusy(true);
    setError(null);
    const fields = {
      name: (v.name ?? '').trim(),
      industry: (v.industry ?? '').trim(),
      regionCode: v.regionCode!,
      size: v.size!,
      cadreUserId: v.cadreUserId ?? null,
      ...Object.fromEntries(
        (['address', 'contactName', 'contactPhone'] as const)
          .map((k) => [k, optional(v[k])] as const)
          .filter(([, x]) => x !== undefined),
      ),
    };
    try {
      const saved = e
        ? await enterprisesApi.update(e.id, { ...fields, version: e.version })
        : await enterprisesApi.create({
            ...fields,
            creditCode: (v.creditCode ?? '').trim().toUpperCase(),
          });
      message.success(e ? `已保存“${saved.name}”` : `已登记“${saved.name}”`);
      void qc.invalidateQueries({ queryKey: enterpriseKeys.all });
      props.onClose();
    } catch (err) {
      if (isApiError(err, 'VERSION_CONFLICT')) {
        message.warning('该企业刚被他人修改，已刷新，请重新编辑');
        void qc.invalidateQueries({ queryKey: enterpriseKeys.all });
        props.onClose();
        return;
      }
      applyFieldIssues(form, err);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={e ? `修改企业 · ${e.name}` : '登记企业'}
      okText="保存"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      width={640}
      style={screens.sm ? undefined : { top: 8, maxWidth: 'calc(100vw - 16px)' }}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid="enterprise-form-modal"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        name="enterprise"
        initialValues={
          e
            ? { ...e, address: e.address, contactName: e.contactName, contactPhone: e.contactPhone }
            : { regionCode: me.activeRegionCode, size: 'medium' }
        }
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="统一社会信用代码"
          name="creditCode"
          rules={
            e
              ? []
              : [
                  { required: true, whitespace: true, message: '请填写统一社会信用代码' },
                  zodRule(creditCode),
                ]
          }
        >
          <Input
            maxLength={18}
            disabled={!!e}
            placeholder="18位"
            data-testid="enterprise-credit-code"
          />
        </Form.Item>
        <Form.Item
          label="企业名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '请填写企业名称' },
            zodRule(plainName(100)),
          ]}
        >
          <Input maxLength={100} data-testid="enterprise-name" />
        </Form.Item>
        <Form.Item
          label="行业"
          name="industry"
          rules={[
            { required: true, whitespace: true, message: '请填写行业' },
            zodRule(plainName(40)),
          ]}
        >
          <Input maxLength={40} placeholder="如：汽车制造" data-testid="enterprise-industry" />
        </Form.Item>
        <Form.Item
          label="所在区域"
          name="regionCode"
          rules={[{ required: true, message: '请选择区域' }]}
        >
          <RegionTreeSelect maxLevel="street" />
        </Form.Item>
        <Form.Item label="企业规模" name="size" rules={[{ required: true, message: '请选择规模' }]}>
          <Select
            options={enterpriseSizes.map((s) => ({ value: s, label: enterpriseSizeLabels[s] }))}
          />
        </Form.Item>
        <Form.Item label="地址" name="address" rules={[zodRule(plainText(200))]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="联系人" name="contactName" rules={[zodRule(plainName(40))]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item label="联系电话" name="contactPhone" rules={[zodRule(phone)]}>
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
        <Form.Item label="包联干部" name="cadreUserId">
          <CadreSelect />
        </Form.Item>
      </Form>
    </Modal>
  );
}
