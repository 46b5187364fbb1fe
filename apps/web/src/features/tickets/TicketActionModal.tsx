import { useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Grid, Input, Modal, Select } from 'antd';
import { FrownOutlined, MehOutlined, SmileOutlined } from '@ant-design/icons';
import {
  plainText,
  ticketActionLabels,
  ticketRatingLabels,
  ticketRatings,
  type TicketDetail,
  type TicketRating,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { ticketsApi, type TicketStep } from './api';
import { ticketKeys } from './model';
import { useUnitOptions } from './queries';

interface Values {
  note?: string;
  reason?: string;
  reply?: string;
  comment?: string;
  departmentId?: number;
  coDepartmentIds?: number[];
  intoTicketId?: number;
  rating?: TicketRating;
}

/** what each step asks for; the note of accept/start/close is optional */
const textField: Partial<
  Record<
    TicketStep,
    { name: keyof Values; label: string; required: boolean; max: number; hint: string }
  >
> = {
  accept: { name: 'note', label: '受理意见', required: false, max: 500, hint: '可不填' },
  start: {
    name: 'note',
    label: '处置说明',
    required: false,
    max: 500,
    hint: '如：已安排人员赶赴现场',
  },
  close: {
    name: 'note',
    label: '办结说明',
    required: false,
    max: 500,
    hint: '如：现场核实已整改到位',
  },
  dispatch: { name: 'note', label: '派遣意见', required: false, max: 500, hint: '可不填' },
  reassign: {
    name: 'note',
    label: '改派原因',
    required: true,
    max: 500,
    hint: '如：原单位无此职能',
  },
  return: {
    name: 'reason',
    label: '退回原因',
    required: true,
    max: 500,
    hint: '如：不属于本单位职责，建议派至…',
  },
  reply: {
    name: 'reply',
    label: '办理结果',
    required: true,
    max: 2000,
    hint: '办理经过和结果，将反馈给诉求人',
  },
  supervise: {
    name: 'note',
    label: '督办意见',
    required: true,
    max: 500,
    hint: '如：请于明日下班前办结并反馈',
  },
  rate: {
    name: 'comment',
    label: '评价说明',
    required: false,
    max: 500,
    hint: '不满意时请说明原因，工单将退回重新办理',
  },
};

const ratingLook: Record<TicketRating, { icon: React.ReactNode; color: string }> = {
  satisfied: { icon: <SmileOutlined />, color: '#389e0d' },
  basic: { icon: <MehOutlined />, color: '#d48806' },
  unsatisfied: { icon: <FrownOutlined />, color: '#cf1322' },
};

/** 满意 / 基本满意 / 不满意 as three big buttons (thumb-sized on a phone). */
function RatingButtons(props: { value?: TicketRating; onChange?: (r: TicketRating) => void }) {
  return (
    <Flex gap={8} data-testid="ticket-rating">
      {ticketRatings.map((r) => {
        const chosen = props.value === r;
        return (
          <Button
            key={r}
            size="large"
            icon={ratingLook[r].icon}
            onClick={() => props.onChange?.(r)}
            aria-pressed={chosen}
            style={{
              flex: 1,
              height: 56,
              minWidth: 0,
              paddingInline: 4,
              borderColor: chosen ? ratingLook[r].color : undefined,
              color: chosen ? '#fff' : ratingLook[r].color,
              background: chosen ? ratingLook[r].color : undefined,
            }}
            data-testid={`ticket-rate-${r}`}
          >
            {ticketRatingLabels[r]}
          </Button>
        );
      })}
    </Flex>
  );
}

/** 合并到: an open ticket found by number or title */
function MergeTargetSelect(props: {
  selfId: number;
  value?: number;
  onChange?: (v: number) => void;
}) {
  const me = useMe();
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: ticketKeys.list(me.activeRegionCode, { merge: q }),
    queryFn: () => ticketsApi.list({ page: 1, pageSize: 20, status: 'open', ...(q ? { q } : {}) }),
    placeholderData: keepPreviousData,
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={props.value}
      onChange={(v: number) => props.onChange?.(v)}
      placeholder="输入工单编号或标题搜索"
      loading={list.isFetching}
      notFoundContent="没有匹配的未办结工单"
      options={(list.data?.items ?? [])
        .filter((t) => t.id !== props.selfId)
        .map((t) => ({ value: t.id, label: `${t.number} ${t.title}` }))}
      data-testid="ticket-merge-target"
    />
  );
}

const clean = (v: Values) =>
  Object.fromEntries(
    Object.entries(v)
      .map(([k, x]) => [k, typeof x === 'string' ? x.trim() : x] as const)
      .filter(([, x]) => x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0)),
  );

/**
 * One step of the loop on one ticket: the fields it needs, then POST with the
 * version seen. A version conflict or a step no longer possible reloads the
 * ticket and closes the dialog with the reason; other errors stay in it.
 */
export function TicketActionModal(props: {
  ticket: TicketDetail;
  step: TicketStep;
  onClose: () => void;
  /** after success, and after a conflict (both reload the ticket) */
  onChanged: () => void;
}) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submitting = useRef(false);
  const t = props.ticket;
  const step = props.step;
  const units = useUnitOptions(
    step === 'dispatch' || step === 'reassign' ? t.regionCode : undefined,
  );
  const chosenUnit = Form.useWatch('departmentId', form);
  const text = textField[step];
  const label = ticketActionLabels[step];

  async function submit(v: Values) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    try {
      const saved = await ticketsApi.act(t.id, step, { ...clean(v), version: t.version });
      message.success(`工单${saved.number}已${label}`);
      props.onChanged();
      props.onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT')) {
        message.warning('工单刚被他人处理过，已刷新为最新状态，请核对后再操作');
        props.onChanged();
        props.onClose();
      } else if (isApiError(e, 'TICKET_TRANSITION_INVALID')) {
        message.error(e.message);
        props.onChanged();
        props.onClose();
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
      title={`${label} · ${t.number}`}
      okText={step === 'rate' ? '提交评价' : `确认${label}`}
      okButtonProps={{ danger: step === 'return', 'data-testid': 'ticket-action-ok' }}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      style={screens.sm ? undefined : { top: 8, maxWidth: 'calc(100vw - 16px)' }}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid={`ticket-action-modal-${step}`}
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="ticket-action-error"
        />
      )}
      {step === 'rate' && t.reply && (
        <Alert
          type="info"
          title={`${t.departmentName ?? '承办单位'}的办理结果`}
          description={<span style={{ whiteSpace: 'pre-wrap' }}>{t.reply}</span>}
          style={{ marginBottom: 16 }}
        />
      )}
      <div data-testid={`ticket-action-form-${step}`}>
        <Form
          form={form}
          name={`ticket-${step}`}
          layout="vertical"
          onFinish={(v) => void submit(v)}
        >
          {(step === 'dispatch' || step === 'reassign') && (
            <>
              <Form.Item
                label="承办单位"
                name="departmentId"
                rules={[{ required: true, message: '请选择承办单位' }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder="请选择承办单位"
                  options={units.options.filter(
                    (o) => o.value !== (step === 'reassign' ? t.departmentId : -1),
                  )}
                  loading={units.loading}
                  notFoundContent="工单所在区域及上级区域暂无部门"
                  data-testid="ticket-dispatch-unit"
                />
              </Form.Item>
              <Form.Item label="协办单位" name="coDepartmentIds" extra="可不选，最多10个">
                <Select
                  mode="multiple"
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder="需要配合办理的单位"
                  options={units.options.filter((o) => o.value !== chosenUnit)}
                  maxCount={10}
                  data-testid="ticket-dispatch-co-units"
                />
              </Form.Item>
            </>
          )}
          {step === 'merge' && (
            <Form.Item
              label="合并到工单"
              name="intoTicketId"
              extra="本工单将标为已合并，由所选工单继续办理"
              rules={[{ required: true, message: '请选择要合并到的工单' }]}
            >
              <MergeTargetSelect selfId={t.id} />
            </Form.Item>
          )}
          {step === 'rate' && (
            <Form.Item
              label="您对办理结果是否满意？"
              name="rating"
              rules={[{ required: true, message: '请选择满意度' }]}
            >
              <RatingButtons />
            </Form.Item>
          )}
          {text && (
            <Form.Item
              label={text.label}
              name={text.name}
              rules={[
                ...(text.required
                  ? [{ required: true, whitespace: true, message: `请填写${text.label}` }]
                  : []),
                zodRule(plainText(text.max)),
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: text.required ? 3 : 2, maxRows: 8 }}
                maxLength={text.max}
                showCount
                placeholder={text.hint}
                data-testid="ticket-action-text"
              />
            </Form.Item>
          )}
        </Form>
      </div>
    </Modal>
  );
}
