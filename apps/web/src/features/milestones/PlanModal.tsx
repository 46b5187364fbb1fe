import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Checkbox, DatePicker, Empty, Flex, Form, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { Milestone, Project } from '@xiangmu/contracts';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues } from '../../lib/forms';
import { milestonesApi } from './api';
import { milestoneKeys } from './model';
import { DATE } from '../../lib/format';
import { OwnerFields, type OwnerValues } from './OwnerFields';

interface Values extends OwnerValues {
  templateId?: number;
  targetOn?: Dayjs;
  replace?: boolean;
}

/**
 * 倒排工期: the nodes of a template are placed backwards from the target date
 * (the template's last node), in working days; the server does the counting
 * with the working-day calendar.
 */
export function PlanModal(props: {
  open: boolean;
  project: Project;
  /** open (not done) nodes the project has now */
  openCount: number;
  onClose: () => void;
  onPlanned: (nodes: Milestone[]) => void;
}) {
  const p = props.project;
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [exists, setExists] = useState(false);
  const templates = useQuery({
    queryKey: milestoneKeys.templates,
    queryFn: milestonesApi.templates.list,
    enabled: props.open,
  });
  const templateId = Form.useWatch('templateId', form);
  const template = templates.data?.find((t) => t.id === templateId);
  const showReplace = props.openCount > 0 || exists;

  const plan = useMutation({
    mutationFn: (v: Values) =>
      milestonesApi.plan(p.id, {
        templateId: v.templateId!,
        targetOn: v.targetOn!.format(DATE),
        ownerName: (v.ownerName ?? '').trim(),
        ownerUserId: v.ownerUserId ?? null,
        replace: !!v.replace,
      }),
    onSuccess: (nodes) => props.onPlanned(nodes),
    onError: (e) => {
      if (isApiError(e, 'MILESTONES_EXIST')) {
        setExists(true);
        setError(null);
        return;
      }
      applyFieldIssues(form, e);
      setError(errorText(e));
    },
  });

  const plannedEnd =
    p.plannedEnd && dayjs(p.plannedEnd).isAfter(dayjs(), 'day') ? p.plannedEnd : null;

  return (
    <Modal
      open={props.open}
      title="倒排工期"
      okText="生成节点"
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={plan.isPending}
      destroyOnHidden
      forceRender
      data-testid="plan-modal"
    >
      <Typography.Paragraph type="secondary">
        选择节点模板和目标日期，系统按法定工作日（含调休）从目标日期倒推每个节点的截止日期。
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="plan-error"
        />
      )}
      {exists && (
        <Alert
          type="warning"
          showIcon
          title="该项目已有未完成的节点"
          description="勾选“替换未完成节点”后再次点击“生成节点”：未完成的节点将被替换，已完成的节点保留。"
          style={{ marginBottom: 16 }}
          data-testid="plan-exists"
        />
      )}
      <Form
        form={form}
        name="milestone-plan"
        layout="vertical"
        initialValues={{
          ownerName: p.leaderName ?? '',
          ownerUserId: null,
          replace: false,
          ...(plannedEnd ? { targetOn: dayjs(plannedEnd) } : {}),
        }}
        onFinish={(v) => {
          setError(null);
          plan.mutate(v);
        }}
      >
        <Form.Item
          label="节点模板"
          name="templateId"
          rules={[{ required: true, message: '请选择节点模板' }]}
        >
          <Select
            placeholder="请选择节点模板"
            loading={templates.isLoading}
            options={(templates.data ?? []).map((t) => ({
              value: t.id,
              label: `${t.name}（${t.steps.length}个节点）`,
            }))}
            notFoundContent={
              templates.isError ? (
                errorText(templates.error)
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="还没有节点模板" />
              )
            }
            data-testid="plan-template"
          />
        </Form.Item>
        {template && (
          <Flex
            vertical
            gap={2}
            style={{
              margin: '-8px 0 16px',
              padding: '8px 12px',
              background: '#f7f8fa',
              borderRadius: 6,
              fontSize: 13,
            }}
            data-testid="plan-template-steps"
          >
            {template.steps.map((s, i) => (
              <span key={i}>
                {i + 1}. {s.name}
                {i < template.steps.length - 1 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    → {s.workdaysToNext}个工作日
                  </Typography.Text>
                )}
                {i === template.steps.length - 1 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    （目标日期）
                  </Typography.Text>
                )}
              </span>
            ))}
          </Flex>
        )}
        <Form.Item
          label="目标日期"
          name="targetOn"
          rules={[{ required: true, message: '请选择目标日期' }]}
          extra="模板最后一个节点（如投产、竣工）的日期"
        >
          <DatePicker
            style={{ width: '100%' }}
            placeholder="请选择日期"
            data-testid="plan-target"
          />
        </Form.Item>
        <OwnerFields form={form} projectId={p.id} nameLabel="默认责任人" />
        {showReplace && (
          <Form.Item name="replace" valuePropName="checked" style={{ marginBottom: 0 }}>
            <Checkbox data-testid="plan-replace">
              替换未完成节点（现有{props.openCount}个未完成节点将被替换，已完成的节点保留）
            </Checkbox>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
