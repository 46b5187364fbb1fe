import { useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Grid, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { plainText, type Problem } from '@xiangmu/contracts';
import { useDepartments, useMe, useRegions } from '../../session';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { currentMonth, monthLabel, reportKeys, reportsApi } from '../reports';
import { problemsApi } from './api';
import { DATE } from './model';

interface Values {
  title?: string;
  description?: string;
  departmentId?: number;
  dueOn?: Dayjs;
  reportId?: number | null;
}

/**
 * 提出问题 / 修改: what the problem is, the responsible unit (a department of
 * the project's region or above it) and the due date. A newer version met
 * on save is loaded into the form for the user to check and save again.
 */
export function ProblemFormModal(props: {
  project: { id: number; name: string; regionCode: string };
  problem: Problem | null;
  onClose: () => void;
  onSaved: (p: Problem) => void;
}) {
  const me = useMe();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [base, setBase] = useState(props.problem);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submitting = useRef(false);
  const regions = useRegions();
  const departments = useDepartments();
  const year = Number(currentMonth().slice(0, 4));
  const reports = useQuery({
    queryKey: reportKeys.project(me.activeRegionCode, props.project.id, year),
    queryFn: () => reportsApi.forProject(props.project.id, year),
    enabled: !props.problem,
  });

  // 责任单位: departments of the project's region or of a region above it
  const departmentOptions = useMemo(() => {
    const parent = new Map((regions.data ?? []).map((r) => [r.code, r.parentCode]));
    const chain = new Set<string>();
    for (let c: string | null | undefined = props.project.regionCode; c; c = parent.get(c))
      chain.add(c);
    return (departments.data ?? [])
      .filter((d) => chain.has(d.regionCode))
      .map((d) => ({ value: d.id, label: `${d.name}（${d.regionName}）` }));
  }, [regions.data, departments.data, props.project.regionCode]);

  const reportOptions = (reports.data?.months ?? [])
    .filter((m) => m.report)
    .reverse()
    .map((m) => ({ value: m.report!.id, label: `${monthLabel(m.month)}调度` }));

  const initial: Values = base
    ? {
        title: base.title,
        description: base.description,
        departmentId: base.departmentId,
        dueOn: dayjs(base.dueOn),
      }
    : { dueOn: dayjs().add(15, 'day') };

  async function submit(v: Values) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    const fields = {
      title: (v.title ?? '').trim(),
      description: (v.description ?? '').trim(),
      departmentId: v.departmentId!,
      dueOn: v.dueOn!.format(DATE),
    };
    try {
      const saved = base
        ? await problemsApi.update(base.id, { ...fields, version: base.version })
        : await problemsApi.raise(props.project.id, {
            ...fields,
            ...(v.reportId ? { reportId: v.reportId } : {}),
          });
      message.success(base ? '问题已修改' : `已提出问题，责任单位：${saved.departmentName}`);
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      if (base && isApiError(e, 'VERSION_CONFLICT') && e.current) {
        const current = e.current as Problem;
        props.onSaved(current);
        if (current.status === 'closed') {
          message.info('该问题已被他人销号');
          props.onClose();
        } else {
          setBase(current);
          form.setFieldsValue({
            title: current.title,
            description: current.description,
            departmentId: current.departmentId,
            dueOn: dayjs(current.dueOn),
          });
          setError('问题刚被他人修改，已载入最新内容，请核对后重新保存（您的修改未保存）。');
        }
      } else {
        applyFieldIssues(form, e);
        setError(errorText(e));
      }
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={base ? '修改问题' : `提出问题 · ${props.project.name}`}
      okText={base ? '保存' : '提出'}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      width={600}
      style={screens.sm ? undefined : { top: 8, maxWidth: 'calc(100vw - 16px)' }}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid="problem-form-modal"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="problem-form-error"
        />
      )}
      <Form
        form={form}
        name="problem"
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="问题"
          name="title"
          rules={[
            { required: true, whitespace: true, message: '请填写问题' },
            zodRule(plainText(100)),
          ]}
        >
          <Input
            maxLength={100}
            showCount
            placeholder="如：施工用电增容未批复"
            data-testid="problem-title"
          />
        </Form.Item>
        <Form.Item label="问题描述" name="description" rules={[zodRule(plainText(2000))]}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={2000}
            showCount
            placeholder="现状、影响和需要协调的事项"
            data-testid="problem-description"
          />
        </Form.Item>
        <Form.Item
          label="责任单位"
          name="departmentId"
          rules={[{ required: true, message: '请选择责任单位' }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={departments.isLoading}
            placeholder="请选择责任单位"
            options={departmentOptions}
            notFoundContent="项目所在区域及上级区域暂无部门"
            data-testid="problem-department"
          />
        </Form.Item>
        <Form.Item
          label="整改期限"
          name="dueOn"
          rules={[{ required: true, message: '请选择整改期限' }]}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isBefore(dayjs(), 'day')}
            inputReadOnly={!screens.md}
            data-testid="problem-due"
          />
        </Form.Item>
        {!base && reportOptions.length > 0 && (
          <Form.Item label="来自月度调度" name="reportId" extra="可不选">
            <Select
              allowClear
              placeholder="该问题在哪个月的调度中提出"
              options={reportOptions}
              data-testid="problem-report"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
