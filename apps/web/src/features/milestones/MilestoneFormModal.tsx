import { useState } from 'react';
import { Alert, App, DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { plainName, type Milestone, type Project } from '@xiangmu/contracts';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { milestonesApi, type UpdateMilestoneInput } from './api';
import { VersionConflictModal } from '../../components/VersionConflictModal';
import { milestoneConflictRows, type MilestoneConflict, type MilestoneFields } from './conflict';
import { DATE } from '../../lib/format';
import { OwnerFields, type OwnerValues } from './OwnerFields';

interface Values extends OwnerValues {
  name?: string;
  dueOn?: Dayjs;
}

const toValues = (m: Milestone): Values => ({
  name: m.name,
  dueOn: dayjs(m.dueOn),
  ownerName: m.ownerName,
  ownerUserId: m.ownerUserId,
});

const toFields = (v: Values): MilestoneFields => ({
  name: (v.name ?? '').trim(),
  dueOn: v.dueOn ? v.dueOn.format(DATE) : '',
  ownerName: (v.ownerName ?? '').trim(),
  ownerUserId: v.ownerUserId ?? null,
});

/** Only what changed is sent, with the version the user started from. */
export function changedRequest(base: Milestone, mine: MilestoneFields): UpdateMilestoneInput {
  const body: UpdateMilestoneInput = { version: base.version };
  if (mine.name !== base.name) body.name = mine.name;
  if (mine.dueOn !== base.dueOn) body.dueOn = mine.dueOn;
  if (mine.ownerName !== base.ownerName) body.ownerName = mine.ownerName;
  if (mine.ownerUserId !== base.ownerUserId) body.ownerUserId = mine.ownerUserId;
  return body;
}

/** 新增节点 / 编辑节点. An edit that meets a newer version opens the conflict dialog. */
export function MilestoneFormModal(props: {
  open: boolean;
  project: Project;
  /** absent: a new node */
  milestone?: Milestone | null;
  onClose: () => void;
  onSaved: (m: Milestone) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [base, setBase] = useState<Milestone | null>(props.milestone ?? null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<MilestoneConflict | null>(null);
  const editing = !!base;

  async function submit(v: Values) {
    setError(null);
    setBusy(true);
    const mine = toFields(v);
    try {
      if (base) {
        const body = changedRequest(base, mine);
        if (Object.keys(body).length === 1) {
          props.onClose();
          return;
        }
        const saved = await milestonesApi.update(base.id, body);
        message.success(`节点“${saved.name}”已保存`);
        props.onSaved(saved);
      } else {
        const saved = await milestonesApi.create(props.project.id, {
          name: mine.name,
          dueOn: mine.dueOn,
          ownerName: mine.ownerName,
          ownerUserId: mine.ownerUserId,
        });
        message.success(`已新增节点“${saved.name}”`);
        props.onSaved(saved);
      }
    } catch (e) {
      if (base && isApiError(e, 'VERSION_CONFLICT') && e.current) {
        setConflict({ had: base, current: e.current as Milestone, mine });
      } else {
        applyFieldIssues(form, e);
        setError(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Modal
        open={props.open}
        title={editing ? '编辑节点' : '新增节点'}
        okText="保存"
        onOk={() => form.submit()}
        onCancel={props.onClose}
        confirmLoading={busy}
        destroyOnHidden
        forceRender
        data-testid="milestone-form-modal"
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="milestone-form-error"
          />
        )}
        <Form
          form={form}
          name="milestone-form"
          layout="vertical"
          initialValues={base ? toValues(base) : { ownerUserId: null }}
          onFinish={(v) => void submit(v)}
        >
          <Form.Item
            label="节点名称"
            name="name"
            rules={[
              { required: true, whitespace: true, message: '请填写节点名称' },
              zodRule(plainName(40)),
            ]}
          >
            <Input maxLength={40} placeholder="如：取得施工许可证" data-testid="milestone-name" />
          </Form.Item>
          <Form.Item
            label="截止日期"
            name="dueOn"
            rules={[{ required: true, message: '请选择截止日期' }]}
            extra={
              base?.targetOn
                ? `该日期由倒排工期生成（目标日期 ${base.targetOn}）；手动修改后不再随目标日期和工作日历自动调整`
                : undefined
            }
          >
            <DatePicker
              style={{ width: '100%' }}
              placeholder="请选择日期"
              data-testid="milestone-due"
            />
          </Form.Item>
          <OwnerFields
            form={form}
            projectId={props.project.id}
            linkedName={base?.ownerUserId ? base.ownerName : null}
          />
        </Form>
      </Modal>
      <VersionConflictModal
        rows={conflict && milestoneConflictRows(conflict)}
        subject="节点"
        thisSubject="这个节点"
        testIdPrefix="milestone-conflict"
        onCancel={() => setConflict(null)}
        onTakeTheirs={() => {
          if (!conflict) return;
          setBase(conflict.current);
          form.setFieldsValue(toValues(conflict.current));
          setConflict(null);
        }}
        onKeepMine={() => {
          if (!conflict) return;
          // the saved version, with only what this user changed put back on top
          const mine = changedRequest(conflict.had, conflict.mine);
          const merged: Values = toValues(conflict.current);
          if (mine.name !== undefined) merged.name = mine.name;
          if (mine.dueOn !== undefined) merged.dueOn = dayjs(mine.dueOn);
          if (mine.ownerName !== undefined) merged.ownerName = mine.ownerName;
          if (mine.ownerUserId !== undefined) merged.ownerUserId = mine.ownerUserId;
          setBase(conflict.current);
          form.setFieldsValue(merged);
          setConflict(null);
        }}
      />
    </>
  );
}
