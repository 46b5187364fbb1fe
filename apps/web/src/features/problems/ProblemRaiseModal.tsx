import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Grid, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { plainText, type Ticket } from '@xiangmu/contracts';
import { useDepartments, useMe, useRegions } from '../../session';
import { errorText } from '../../lib/api-client';
import { DATE } from '../../lib/format';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { currentMonth, monthLabel, reportKeys, reportsApi } from '../reports';
import { isAdmin, newIdempotencyKey, ticketKeys, ticketsApi } from '../tickets';

interface Values {
  categoryId?: number;
  title?: string;
  description?: string;
  departmentId?: number;
  rectifyBy?: Dayjs;
  reportId?: number | null;
}

/**
 * 提出问题 on a project: a project ticket with its 责任单位 (dispatched at once
 * by an office; a unit officer's goes to the office first), its 整改期限 and
 * the monthly report it came from. Sent once: a double click is one problem.
 */
export function ProblemRaiseModal(props: {
  project: { id: number; name: string; regionCode: string };
  onClose: () => void;
  onSaved: (t: Ticket) => void;
}) {
  const me = useMe();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submitting = useRef(false);
  const key = useRef(newIdempotencyKey());
  const dispatches = isAdmin(me.role);
  const regions = useRegions();
  const departments = useDepartments();
  const categories = useQuery({
    queryKey: ticketKeys.categories(me.activeRegionCode),
    queryFn: ticketsApi.categories,
  });
  const year = Number(currentMonth().slice(0, 4));
  const reports = useQuery({
    queryKey: reportKeys.project(me.activeRegionCode, props.project.id, year),
    queryFn: () => reportsApi.forProject(props.project.id, year),
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
  const categoryOptions = (categories.data ?? [])
    .filter((c) => c.source === 'project' && c.active)
    .map((c) => ({ value: c.id, label: c.name }));
  // the first category (项目推进问题) unless the user picks another
  const firstCategory = categoryOptions[0]?.value;
  useEffect(() => {
    if (firstCategory !== undefined && form.getFieldValue('categoryId') === undefined)
      form.setFieldValue('categoryId', firstCategory);
  }, [firstCategory, form]);
  const reportOptions = (reports.data?.months ?? [])
    .filter((m) => m.report)
    .reverse()
    .map((m) => ({ value: m.report!.id, label: `${monthLabel(m.month)}调度` }));

  async function submit(v: Values) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    const title = (v.title ?? '').trim();
    try {
      const saved = await ticketsApi.create({
        source: 'project',
        projectId: props.project.id,
        categoryId: v.categoryId!,
        title,
        // a problem may be told in its title alone
        description: (v.description ?? '').trim() || title,
        rectifyBy: v.rectifyBy!.format(DATE),
        ...(dispatches && v.departmentId ? { departmentId: v.departmentId } : {}),
        ...(v.reportId ? { reportId: v.reportId } : {}),
        idempotencyKey: key.current,
      });
      message.success(
        saved.departmentName
          ? `已提出问题，派遣至${saved.departmentName}`
          : '已提出问题，待区县派遣责任单位',
      );
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      applyFieldIssues(form, e);
      setError(errorText(e));
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={`提出问题 · ${props.project.name}`}
      okText="提出"
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
        initialValues={{ rectifyBy: dayjs().add(15, 'day') }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="问题类别"
          name="categoryId"
          rules={[{ required: true, message: '请选择问题类别' }]}
          extra="类别决定未填整改期限时的办理时限；可在“工单设置”中维护"
        >
          <Select
            loading={categories.isLoading}
            placeholder="请选择"
            options={categoryOptions}
            data-testid="problem-category"
          />
        </Form.Item>
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
        {dispatches && (
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
        )}
        <Form.Item
          label="整改期限"
          name="rectifyBy"
          rules={[{ required: true, message: '请选择整改期限' }]}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isBefore(dayjs(), 'day')}
            inputReadOnly={!screens.md}
            data-testid="problem-due"
          />
        </Form.Item>
        {reportOptions.length > 0 && (
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
