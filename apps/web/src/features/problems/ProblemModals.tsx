import { useCallback, useRef, useState } from 'react';
import { Alert, App, Descriptions, Form, Grid, Input, Modal, Typography } from 'antd';
import dayjs from 'dayjs';
import { plainText, type Attachment, type Problem } from '@xiangmu/contracts';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { PhotoThumbs, PhotoUploader } from '../../components/Photos';
import { problemsApi } from './api';
import { DATE, dueHint } from './model';
import { ProblemStatusTag } from './tags';

function ProblemFacts({ p }: { p: Problem }) {
  const hint = dueHint(p, dayjs().format(DATE));
  return (
    <Descriptions
      size="small"
      column={1}
      style={{ marginBottom: 12 }}
      items={[
        { key: 'p', label: '项目', children: p.projectName },
        { key: 't', label: '问题', children: <Typography.Text strong>{p.title}</Typography.Text> },
        { key: 'd', label: '责任单位', children: p.departmentName },
        {
          key: 'due',
          label: '整改期限',
          children: (
            <span>
              {p.dueOn} <ProblemStatusTag problem={p} />
              {hint && (
                <Typography.Text
                  type={p.overdue ? 'danger' : 'secondary'}
                  style={{ marginInlineStart: 6, fontSize: 12 }}
                >
                  {hint}
                </Typography.Text>
              )}
            </span>
          ),
        },
      ]}
    />
  );
}

/** A write that met a newer version: go on from the saved record, or stop when it is done already. */
function useConflict(
  initial: Problem,
  onChanged: (p: Problem) => void,
  onClose: () => void,
  already: (p: Problem) => boolean,
  doneText: string,
) {
  const { message } = App.useApp();
  const [base, setBase] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const handle = (e: unknown, form: Parameters<typeof applyFieldIssues>[0]) => {
    if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
      const current = e.current as Problem;
      onChanged(current);
      if (already(current)) {
        message.info(doneText);
        onClose();
        return;
      }
      setBase(current);
      setError('问题刚被他人修改，已载入最新内容，请核对后重新提交。');
      return;
    }
    applyFieldIssues(form, e);
    setError(errorText(e));
  };
  return { base, error, setError, handle };
}

const phoneStyle = { top: 8, maxWidth: 'calc(100vw - 16px)' };

/** 销号: what shows the problem is solved, and optionally a photo of it. */
export function CloseProblemModal(props: {
  problem: Problem;
  onClose: () => void;
  onChanged: (p: Problem) => void;
}) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<{ evidence?: string }>();
  const [photos, setPhotos] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState(false);
  const [busy, setBusy] = useState(false);
  const submitting = useRef(false);
  const onBusy = useCallback((b: boolean) => setUploading(b), []);
  const { base, error, setError, handle } = useConflict(
    props.problem,
    props.onChanged,
    props.onClose,
    (p) => p.status === 'closed',
    '该问题已被他人销号',
  );

  async function submit(v: { evidence?: string }) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    try {
      const saved = await problemsApi.close(base.id, {
        version: base.version,
        evidence: (v.evidence ?? '').trim(),
        ...(photos[0] ? { photoId: photos[0].id } : {}),
      });
      message.success(`问题“${saved.title}”已销号`);
      props.onChanged(saved);
      props.onClose();
    } catch (e) {
      handle(e, form);
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title="问题销号"
      okText="确认销号"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: uploading }}
      style={screens.sm ? undefined : phoneStyle}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid="problem-close-modal"
    >
      <ProblemFacts p={base} />
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="problem-close-error"
        />
      )}
      <Form form={form} name="problem-close" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          label="销号依据"
          name="evidence"
          rules={[
            { required: true, whitespace: true, message: '请填写销号依据' },
            zodRule(plainText(1000)),
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            maxLength={1000}
            showCount
            placeholder="如：供电公司已于11月20日完成增容，批复文号郑电〔2026〕115号"
            data-testid="problem-evidence"
          />
        </Form.Item>
        <Form.Item label="现场照片（可选）">
          <PhotoUploader
            projectId={base.projectId}
            value={photos}
            onChange={setPhotos}
            onBusy={onBusy}
            max={1}
            testId="problem-photo"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 重新打开 a problem closed too early, with the reason. */
export function ReopenProblemModal(props: {
  problem: Problem;
  onClose: () => void;
  onChanged: (p: Problem) => void;
}) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState(false);
  const { base, error, setError, handle } = useConflict(
    props.problem,
    props.onChanged,
    props.onClose,
    (p) => p.status === 'open',
    '该问题已被他人重新打开',
  );

  async function submit(v: { reason?: string }) {
    setBusy(true);
    setError(null);
    try {
      const saved = await problemsApi.reopen(base.id, {
        version: base.version,
        reason: (v.reason ?? '').trim(),
      });
      message.success(`问题“${saved.title}”已重新打开`);
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
      title="重新打开问题"
      okText="重新打开"
      okButtonProps={{ danger: true }}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      style={screens.sm ? undefined : phoneStyle}
      destroyOnHidden
      data-testid="problem-reopen-modal"
    >
      <ProblemFacts p={base} />
      {base.evidence && (
        <Alert
          type="info"
          showIcon
          title={`${base.closedByName ?? ''} 已于 ${base.closedAt ? dayjs(base.closedAt).format('YYYY-MM-DD') : ''} 销号`}
          description={
            <>
              依据：{base.evidence}
              {base.evidencePhoto && <PhotoThumbs photos={[base.evidencePhoto]} />}
            </>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="problem-reopen-error"
        />
      )}
      <Form form={form} name="problem-reopen" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          label="原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写重新打开的原因' },
            zodRule(plainText(500)),
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={500}
            showCount
            placeholder="如：现场核查发现增容线路尚未接通"
            data-testid="problem-reopen-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
