import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Alert, Input, Modal, Skeleton, Table, Typography } from 'antd';
import { useMe } from '../../session';
import { errorText, isApiError } from '../../lib/api-client';
import { yiFixed, yiInputToWan } from '../../lib/money';
import { dashboardApi, type InvestmentTarget } from './api';
import { dashboardKeys } from './model';

/** 年度投资目标: the city sets one per district (and for itself), in 亿元. */
export function TargetsModal(props: { year: number; onClose: () => void }) {
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const targets = useQuery({
    queryKey: dashboardKeys.targets(me.activeRegionCode, props.year),
    queryFn: () => dashboardApi.targets(props.year),
  });
  // only what the user typed; untouched rows show the saved target
  const [edited, setEdited] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const saved = (t: InvestmentTarget) => (t.amount ? yiFixed(t.amount, 2) : '');
  const draft = (t: InvestmentTarget) => edited[t.regionCode] ?? saved(t);

  const save = useMutation({
    mutationFn: () => {
      const bad: Record<string, string> = {};
      const changed = (targets.data ?? []).flatMap(
        (t): Array<{ regionCode: string; amount: string | null }> => {
          const text = draft(t).trim();
          if (text === saved(t)) return [];
          if (text === '') return [{ regionCode: t.regionCode, amount: null }];
          const wan = yiInputToWan(text);
          if (wan === null || Number(wan) <= 0) {
            bad[t.regionCode] = '请填写大于零的金额（亿元，最多六位小数）';
            return [];
          }
          return [{ regionCode: t.regionCode, amount: wan }];
        },
      );
      setErrors(bad);
      if (Object.keys(bad).length) return Promise.reject(new Error('请更正标红的金额'));
      if (changed.length === 0) return Promise.resolve(null);
      return dashboardApi.setTargets({ year: props.year, targets: changed });
    },
    onSuccess: (res) => {
      if (res) {
        message.success('年度目标已保存');
        void qc.invalidateQueries({ queryKey: dashboardKeys.all(me.activeRegionCode) });
      }
      props.onClose();
    },
    onError: (e) => {
      if (!isApiError(e)) return;
      message.error(errorText(e));
    },
  });

  return (
    <Modal
      open
      title={`${props.year}年投资目标（亿元）`}
      okText="保存"
      onOk={() => save.mutate()}
      confirmLoading={save.isPending}
      onCancel={props.onClose}
      width={520}
    >
      <Typography.Paragraph type="secondary">
        目标用于驾驶舱"年度目标完成率"和排名；留空表示不设目标。
      </Typography.Paragraph>
      {save.error && !isApiError(save.error) && (
        <Alert type="error" showIcon message={save.error.message} style={{ marginBottom: 12 }} />
      )}
      {!targets.data ? (
        <Skeleton active />
      ) : (
        <Table
          size="small"
          rowKey="regionCode"
          pagination={false}
          scroll={{ y: 420 }}
          dataSource={targets.data}
          columns={[
            { title: '区域', dataIndex: 'regionName' },
            {
              title: '目标（亿元）',
              key: 'amount',
              width: 180,
              render: (_, t) => (
                <>
                  <Input
                    data-testid={`target-${t.regionCode}`}
                    value={draft(t)}
                    status={errors[t.regionCode] ? 'error' : undefined}
                    placeholder="未设定"
                    inputMode="decimal"
                    onChange={(e) => setEdited({ ...edited, [t.regionCode]: e.target.value })}
                  />
                  {errors[t.regionCode] && (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {errors[t.regionCode]}
                    </Typography.Text>
                  )}
                </>
              ),
            },
          ]}
        />
      )}
    </Modal>
  );
}
