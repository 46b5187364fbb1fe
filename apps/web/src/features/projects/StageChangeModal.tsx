import { useEffect, useEffectEvent, useState } from 'react';
import { Alert, App, DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { plainText, projectStageLabels, type Project, type ProjectStage } from '@xiangmu/contracts';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { stageMove, stageTargets } from './model';

interface Values {
  to?: ProjectStage;
  occurredOn?: Dayjs;
  evidence?: string;
  reason?: string;
}

/**
 * 变更阶段: only the moves the server allows are offered (forward one stage;
 * from 谋划 also to 签约/前期; back to any earlier stage with a reason).
 */
export function StageChangeModal(props: {
  open: boolean;
  project: Project;
  onClose: () => void;
  onChanged: (p: Project) => void;
  /** someone else changed the project meanwhile: reload it */
  onStale: () => void;
}) {
  const p = props.project;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const to = Form.useWatch('to', form);
  const back = !!to && stageMove(p.stage, to) === 'back';
  const targets = stageTargets(p.stage);

  const init = useEffectEvent(() => {
    form.resetFields();
    form.setFieldsValue({ to: targets.forward[0], occurredOn: dayjs() });
  });
  useEffect(() => {
    if (props.open) init();
  }, [props.open]);

  const close = () => {
    setServerError(null);
    props.onClose();
  };

  async function submit() {
    const v = await form.validateFields().catch(() => null);
    if (!v?.to || !v.occurredOn) return;
    setBusy(true);
    setServerError(null);
    try {
      const saved = await api.projects.changeStage(p.id, {
        to: v.to,
        occurredOn: v.occurredOn.format('YYYY-MM-DD'),
        evidence: (v.evidence ?? '').trim(),
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        version: p.version,
      });
      message.success(`项目已进入“${projectStageLabels[saved.stage]}”阶段`);
      props.onChanged(saved);
      close();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT')) {
        const current = e.current as Project | undefined;
        setServerError(
          `项目刚被他人修改${current ? `（当前阶段：${projectStageLabels[current.stage]}）` : ''}，已刷新，请核对后重新提交。`,
        );
        props.onStale();
      } else {
        applyFieldIssues(form, e);
        setServerError(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  }

  const option = (s: ProjectStage) => ({ value: s, label: projectStageLabels[s] });
  return (
    <Modal
      open={props.open}
      title="变更项目阶段"
      okText="确认变更"
      onOk={submit}
      confirmLoading={busy}
      onCancel={close}
      destroyOnHidden
      forceRender
    >
      <Typography.Paragraph>
        当前阶段：<Typography.Text strong>{projectStageLabels[p.stage]}</Typography.Text>
        {p.stageChangedOn && (
          <Typography.Text type="secondary">（{p.stageChangedOn} 起）</Typography.Text>
        )}
      </Typography.Paragraph>
      {serverError && (
        <Alert
          type="error"
          showIcon
          title={serverError}
          style={{ marginBottom: 16 }}
          data-testid="stage-error"
        />
      )}
      <Form form={form} name="stage-change" layout="vertical" requiredMark data-testid="stage-form">
        <Form.Item
          label="变更为"
          name="to"
          rules={[{ required: true, message: '请选择目标阶段' }]}
          extra={
            back
              ? undefined
              : p.stage === 'planned'
                ? '谋划阶段的项目可直接进入签约或前期（政府投资项目无需招引、签约）'
                : '只能逐个阶段推进；如需退回，请选择之前的阶段并说明原因'
          }
        >
          <Select
            placeholder="请选择目标阶段"
            data-testid="stage-target"
            options={[
              ...(targets.forward.length
                ? [{ label: '推进', title: '推进', options: targets.forward.map(option) }]
                : []),
              ...(targets.back.length
                ? [
                    {
                      label: '回退（须说明原因）',
                      title: '回退',
                      options: targets.back.map(option),
                    },
                  ]
                : []),
            ]}
            onChange={() => form.setFields([{ name: 'reason', errors: [] }])}
          />
        </Form.Item>
        {back && (
          <Alert
            type="warning"
            showIcon
            title="阶段回退须填写原因，原因将记入项目时间线"
            style={{ marginBottom: 16 }}
          />
        )}
        <Form.Item
          label="发生日期"
          name="occurredOn"
          rules={[{ required: true, message: '请选择发生日期' }]}
          extra="实际发生的日期（如批复、签约、开工日期），不是录入日期"
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) =>
              d.isAfter(dayjs(), 'day') ||
              (!back && !!p.stageChangedOn && d.isBefore(dayjs(p.stageChangedOn), 'day'))
            }
          />
        </Form.Item>
        <Form.Item
          label="依据"
          name="evidence"
          rules={[
            {
              required: true,
              whitespace: true,
              message: '请填写依据（批复文号、合同、照片说明等）',
            },
            zodRule(plainText(1000)),
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={1000}
            showCount
            placeholder="如：郑经开发改〔2026〕12号备案批复；投资合同已签订；施工许可证编号…"
          />
        </Form.Item>
        <Form.Item
          label="原因"
          name="reason"
          required={back}
          rules={[
            ...(back ? [{ required: true, whitespace: true, message: '阶段回退须填写原因' }] : []),
            zodRule(plainText(500)),
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={500}
            showCount
            placeholder={back ? '请说明回退原因，如：土地手续未办结，暂停施工' : '可不填'}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
