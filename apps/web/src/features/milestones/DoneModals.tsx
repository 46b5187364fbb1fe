import { useState } from 'react';
import { Alert, App, DatePicker, Descriptions, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { milestoneStatusLabels, plainText, type Milestone } from '@xiangmu/contracts';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { milestonesApi } from './api';
import { DATE } from '../../lib/format';
import { MilestoneStatusTag } from './tags';

function NodeFacts({ m }: { m: Milestone }) {
  return (
    <Descriptions
      size="small"
      column={1}
      style={{ marginBottom: 12 }}
      items={[
        { key: 'p', label: '项目', children: m.projectName },
        { key: 'n', label: '节点', children: m.name },
        {
          key: 'd',
          label: '截止日期',
          children: (
            <span>
              {m.dueOn} <MilestoneStatusTag status={m.status} />
            </span>
          ),
        },
        { key: 'o', label: '责任人', children: m.ownerName },
      ]}
    />
  );
}

/**
 * A write that met a newer version: the dialog goes on from the saved record
 * (409 `current`), or closes when someone else already did the same thing.
 */
function useConflictHandling(
  initial: Milestone,
  onChanged: (m: Milestone) => void,
  onClose: () => void,
  already: (m: Milestone) => boolean,
) {
  const { message } = App.useApp();
  const [base, setBase] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const handle = (e: unknown, form: Parameters<typeof applyFieldIssues>[0]) => {
    if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
      const current = e.current as Milestone;
      onChanged(current);
      if (already(current)) {
        message.info(`该节点已被他人处理（当前：${milestoneStatusLabels[current.status]}）`);
        onClose();
        return;
      }
      setBase(current);
      setError(
        `节点刚被他人修改（当前状态：${milestoneStatusLabels[current.status]}），已载入最新数据，请核对后重新提交。`,
      );
      return;
    }
    applyFieldIssues(form, e);
    setError(errorText(e));
  };
  return { base, error, setError, handle };
}

/** 完成 (销号): the date it was done and what shows it. */
export function CompleteModal(props: {
  milestone: Milestone;
  onClose: () => void;
  onChanged: (m: Milestone) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ doneOn?: Dayjs; evidence?: string }>();
  const [busy, setBusy] = useState(false);
  const { base, error, setError, handle } = useConflictHandling(
    props.milestone,
    props.onChanged,
    props.onClose,
    (m) => m.status === 'done',
  );

  async function submit(v: { doneOn?: Dayjs; evidence?: string }) {
    setBusy(true);
    setError(null);
    try {
      const saved = await milestonesApi.complete(base.id, {
        version: base.version,
        doneOn: v.doneOn!.format(DATE),
        evidence: (v.evidence ?? '').trim(),
      });
      message.success(`节点“${saved.name}”已完成`);
      props.onChanged(saved);
      props.onClose();
    } catch (e) {
      handle(e, form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title="完成节点"
      okText="确认完成"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="complete-modal"
    >
      <NodeFacts m={base} />
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="complete-error"
        />
      )}
      <Form
        form={form}
        name="milestone-complete"
        layout="vertical"
        initialValues={{ doneOn: dayjs() }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label="完成日期"
          name="doneOn"
          rules={[{ required: true, message: '请选择完成日期' }]}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            data-testid="complete-date"
          />
        </Form.Item>
        <Form.Item
          label="完成依据"
          name="evidence"
          rules={[
            { required: true, whitespace: true, message: '请填写完成依据' },
            zodRule(plainText(500)),
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            placeholder="如：施工许可证编号 410100202611220101；现场照片已上传调度群；会议纪要〔2026〕8号"
            data-testid="complete-evidence"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 重新打开 a node marked done by mistake, with the reason. */
export function ReopenModal(props: {
  milestone: Milestone;
  onClose: () => void;
  onChanged: (m: Milestone) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState(false);
  const { base, error, setError, handle } = useConflictHandling(
    props.milestone,
    props.onChanged,
    props.onClose,
    (m) => m.status !== 'done',
  );

  async function submit(v: { reason?: string }) {
    setBusy(true);
    setError(null);
    try {
      const saved = await milestonesApi.reopen(base.id, {
        version: base.version,
        reason: (v.reason ?? '').trim(),
      });
      message.success(`节点“${saved.name}”已重新打开`);
      props.onChanged(saved);
      props.onClose();
    } catch (e) {
      handle(e, form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title="重新打开节点"
      okText="重新打开"
      okButtonProps={{ danger: true }}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="reopen-modal"
    >
      <NodeFacts m={base} />
      {base.doneOn && (
        <Alert
          type="info"
          showIcon
          title={`已于 ${base.doneOn} 完成`}
          description={base.evidence ? `依据：${base.evidence}` : undefined}
          style={{ marginBottom: 12 }}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="reopen-error"
        />
      )}
      <Form form={form} name="milestone-reopen" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          label="原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写重新打开的原因' },
            zodRule(plainText(200)),
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={200}
            showCount
            placeholder="如：施工许可证信息有误，需重新办理"
            data-testid="reopen-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
