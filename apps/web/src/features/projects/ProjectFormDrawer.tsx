import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import {
  App,
  Button,
  Col,
  DatePicker,
  Drawer,
  Flex,
  Form,
  Grid,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import {
  industryClusters,
  industryCode as industryCodeSchema,
  isValidCreditCode,
  phone,
  plainName,
  plainText,
  projectLevelLabels,
  projectLevels,
  type Project,
} from '@xiangmu/contracts';
import { useDepartments, useMe, useRegions } from '../../session';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { VersionConflictModal } from '../../components/VersionConflictModal';
import { projectConflictRows, type Conflict } from './conflict';
import { changedFields, toFormValues, toRequest, type ProjectFormValues } from './form-values';
import { wanNotGreater, yiInputProblem, yiInputToWan } from '../../lib/money';

const CREDIT_CHARS = /^[0-9A-HJ-NPQRTUWXY]*$/;

/** 统一社会信用代码, checked while typing. */
function creditCodeProblem(raw: string | undefined): string | null {
  const code = (raw ?? '').trim().toUpperCase();
  if (!code) return null;
  if (!CREDIT_CHARS.test(code))
    return '含有无效字符：统一社会信用代码只由数字和大写字母组成，不含 I、O、Z、S、V';
  if (code.length !== 18) return `统一社会信用代码应为18位，当前${code.length}位`;
  if (!isValidCreditCode(code)) return '校验码不符：末位校验码与前17位不匹配，请核对是否录入有误';
  return null;
}

const yiRule = {
  validator: async (_: unknown, v: string | undefined) => {
    const problem = yiInputProblem(v);
    if (problem) throw new Error(problem);
  },
};

/**
 * New project (no `project`) or edit one, in a drawer. Amounts are entered
 * in 亿元. Edits send only the changed fields; when someone else saved in
 * between (409), a dialog shows what they changed and nothing typed is lost.
 */
export function ProjectFormDrawer(props: {
  open: boolean;
  project?: Project | undefined;
  onClose: () => void;
  onSaved: (p: Project) => void;
}) {
  const me = useMe();
  const { message } = App.useApp();
  const phoneScreen = !Grid.useBreakpoint().md;
  const [form] = Form.useForm<ProjectFormValues>();
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  /** the record the edit started from (its version is sent back) */
  const base = useRef<Project | undefined>(undefined);
  const editing = !!props.project;

  const regionCode = Form.useWatch('regionCode', form);
  const creditCode = Form.useWatch('ownerCreditCode', form);
  const regions = useRegions();
  const departments = useDepartments(undefined, props.open);

  // 责任单位: departments of the project's region or of a region above it (e.g. a city bureau)
  const departmentOptions = useMemo(() => {
    const parent = new Map((regions.data ?? []).map((r) => [r.code, r.parentCode]));
    const chain = new Set<string>();
    for (let c: string | null | undefined = regionCode; c; c = parent.get(c)) chain.add(c);
    return (departments.data ?? [])
      .filter((d) => !regionCode || chain.has(d.regionCode))
      .map((d) => ({ value: d.id, label: d.name }));
  }, [regions.data, departments.data, regionCode]);

  const init = useEffectEvent(() => {
    base.current = props.project;
    form.resetFields();
    form.setFieldsValue(
      props.project
        ? toFormValues(props.project)
        : { regionCode: me.activeRegionCode, planYear: dayjs().year(), tags: [] },
    );
  });
  useEffect(() => {
    if (props.open) init();
  }, [props.open]);

  async function submit() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = toRequest(v);
    setBusy(true);
    try {
      let saved: Project;
      const from = base.current;
      if (from) {
        const changed = changedFields(toRequest(toFormValues(from)), body);
        if (!changed.length) {
          message.info('没有修改任何内容');
          props.onClose();
          return;
        }
        const patch = Object.fromEntries(changed.map((k) => [k, body[k]]));
        saved = await api.projects.update(from.id, { ...patch, version: from.version });
        message.success('项目信息已保存');
      } else {
        saved = await api.projects.create(body);
        message.success('项目已创建');
      }
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT') && e.current && base.current) {
        setConflict({ had: base.current, current: e.current as Project, mine: body });
      } else if (isApiError(e, 'DEPARTMENT_REGION_MISMATCH')) {
        form.setFields([{ name: 'departmentId', errors: [e.message] }]);
      } else if (!applyFieldIssues(form, e)) {
        message.error(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  /** After a conflict: continue from the saved version, with or without one's own changes. */
  function rebase(keepMine: boolean) {
    if (!conflict) return;
    const typed = form.getFieldsValue(true) as ProjectFormValues;
    const mine = changedFields(toRequest(toFormValues(conflict.had)), conflict.mine);
    const next = toFormValues(conflict.current);
    base.current = conflict.current;
    form.resetFields();
    form.setFieldsValue(
      keepMine ? { ...next, ...Object.fromEntries(mine.map((k) => [k, typed[k]])) } : next,
    );
    setConflict(null);
    props.onSaved(conflict.current);
    message.info(
      keepMine
        ? '已载入最新数据并保留您的修改，请核对后再次保存'
        : '已载入最新数据，您的修改已放弃',
    );
  }

  const close = () => {
    setConflict(null);
    props.onClose();
  };

  const col = { xs: 24, md: 12 };
  return (
    <Drawer
      open={props.open}
      title={editing ? `编辑项目：${props.project?.name ?? ''}` : '新建项目'}
      size={phoneScreen ? '100%' : 760}
      onClose={close}
      destroyOnHidden
      forceRender
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={close}>取消</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="project-submit">
            {editing ? '保存' : '创建'}
          </Button>
        </Flex>
      }
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark
        scrollToFirstError
        name="project"
        data-testid="project-form"
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col span={24}>
            <Form.Item
              label="项目名称"
              name="name"
              rules={[{ required: true, message: '请输入项目名称' }, zodRule(plainName(100))]}
            >
              <Input maxLength={100} placeholder="如：海尔压缩机项目" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="建设单位"
              name="ownerName"
              rules={[{ required: true, message: '请输入建设单位' }, zodRule(plainName(100))]}
            >
              <Input maxLength={100} placeholder="企业或单位全称" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="统一社会信用代码"
              name="ownerCreditCode"
              normalize={(v: string | undefined) => v?.toUpperCase().replace(/\s/g, '')}
              hasFeedback
              rules={[
                {
                  validator: async (_, v: string | undefined) => {
                    if (!v) return; // may stay 待补充 until the owner's code is known
                    const problem = creditCodeProblem(v);
                    if (problem) throw new Error(problem);
                  },
                },
              ]}
              extra={
                creditCode && !creditCodeProblem(creditCode) ? (
                  <Typography.Text type="success" data-testid="credit-code-ok">
                    <CheckCircleFilled /> 统一社会信用代码校验通过
                  </Typography.Text>
                ) : (
                  '18位，由数字和大写字母组成（不含 I、O、Z、S、V）；暂不知道可不填，标为"待补充"'
                )
              }
            >
              <Input maxLength={18} placeholder="18位代码" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="所属区域"
              name="regionCode"
              rules={[{ required: true, message: '请选择所属区域' }]}
            >
              <RegionTreeSelect
                maxLevel="street"
                onChange={() => form.setFieldValue('departmentId', null)}
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="项目级别"
              name="level"
              rules={[{ required: true, message: '请选择项目级别' }]}
            >
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={projectLevels.map((l) => ({ value: l, label: projectLevelLabels[l] }))}
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="产业集群"
              name="industryCluster"
              rules={[{ required: true, message: '请选择产业集群' }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="请选择产业集群"
                options={industryClusters.map((c) => ({ value: c, label: c }))}
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="国民经济行业代码"
              name="industryCode"
              normalize={(v: string | undefined) => v?.toUpperCase()}
              rules={[zodRule(industryCodeSchema)]}
              extra="GB/T 4754，如 C36（汽车制造业）"
            >
              <Input maxLength={5} placeholder="如 C36，可不填" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label="建设内容及规模" name="content" rules={[zodRule(plainText(2000))]}>
              <Input.TextArea
                rows={3}
                maxLength={2000}
                showCount
                placeholder="主要建设内容、占地面积、建筑面积、达产后产能等"
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="总投资（亿元）"
              name="totalInvestment"
              rules={[{ required: true, message: '请输入总投资' }, yiRule]}
            >
              <Input inputMode="decimal" suffix="亿元" placeholder="如 12.5" maxLength={20} />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="年度计划投资（亿元）"
              name="annualPlan"
              dependencies={['totalInvestment']}
              rules={[
                { required: true, message: '请输入年度计划投资' },
                yiRule,
                ({ getFieldValue }) => ({
                  validator: async (_, v: string | undefined) => {
                    const plan = yiInputToWan(v);
                    const total = yiInputToWan(getFieldValue('totalInvestment') as string);
                    if (plan && total && !wanNotGreater(plan, total))
                      throw new Error('年度计划投资不能超过总投资');
                  },
                }),
              ]}
            >
              <Input inputMode="decimal" suffix="亿元" placeholder="如 3" maxLength={20} />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="计划年度"
              name="planYear"
              rules={[{ required: true, message: '请输入计划年度' }]}
            >
              <InputNumber
                min={2000}
                max={2100}
                precision={0}
                suffix="年"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item label="包保领导" name="leaderName" rules={[zodRule(plainName(30))]}>
              <Input maxLength={30} placeholder="可不填" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item label="计划开工日期" name="plannedStart">
              <DatePicker style={{ width: '100%' }} placeholder="请选择日期" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="计划竣工日期"
              name="plannedEnd"
              dependencies={['plannedStart']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: async (_, v: Dayjs | null | undefined) => {
                    const start = getFieldValue('plannedStart') as Dayjs | null | undefined;
                    if (v && start && v.isBefore(start, 'day'))
                      throw new Error('计划竣工日期不能早于计划开工日期');
                  },
                }),
              ]}
            >
              <DatePicker style={{ width: '100%' }} placeholder="请选择日期" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label="责任单位" name="departmentId">
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                loading={departments.isLoading}
                placeholder="可不选"
                options={departmentOptions}
                notFoundContent="所选区域及上级区域暂无部门"
              />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item label="联系人" name="contactName" rules={[zodRule(plainName(30))]}>
              <Input maxLength={30} placeholder="可不填" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item label="联系电话" name="contactPhone" rules={[zodRule(phone)]}>
              <Input maxLength={20} placeholder="手机号或座机号，可不填" />
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item label="经纬度（WGS-84）" extra="经度 73–136，纬度 3–54，可不填">
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="lng" noStyle>
                  <InputNumber
                    min={73}
                    max={136}
                    placeholder="经度，如 113.73"
                    aria-label="经度"
                    style={{ width: '50%' }}
                  />
                </Form.Item>
                <Form.Item name="lat" noStyle>
                  <InputNumber
                    min={3}
                    max={54}
                    placeholder="纬度，如 34.72"
                    aria-label="纬度"
                    style={{ width: '50%' }}
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col {...col}>
            <Form.Item
              label="标签"
              name="tags"
              rules={[
                {
                  validator: async (_, v: string[] | undefined) => {
                    if ((v ?? []).length > 20) throw new Error('最多20个标签');
                    const bad = (v ?? []).find((t) => !plainName(20).safeParse(t).success);
                    if (bad !== undefined)
                      throw new Error(`标签“${bad}”无效：每个标签1–20个字，不含特殊符号`);
                  },
                },
              ]}
            >
              <Select
                mode="tags"
                tokenSeparators={[',', '，', '、']}
                placeholder="输入后回车，如：三个一批、专精特新"
                notFoundContent={null}
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      <VersionConflictModal
        rows={
          conflict &&
          projectConflictRows(
            conflict,
            (code) => regions.data?.find((r) => r.code === code)?.name ?? code,
            (id) => departments.data?.find((d) => d.id === id)?.name ?? `#${id}`,
          )
        }
        subject="项目"
        thisSubject="这个项目"
        savedAt={conflict?.current.updatedAt}
        testIdPrefix="conflict"
        onKeepMine={() => rebase(true)}
        onTakeTheirs={() => rebase(false)}
        onCancel={() => setConflict(null)}
      />
    </Drawer>
  );
}
