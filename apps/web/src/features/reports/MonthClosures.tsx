import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Grid,
  Input,
  Modal,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { plainText } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { QueryError } from '../../components/QueryState';
import { errorText } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { zodRule } from '../../lib/forms';
import { reportsApi, type MonthClosure } from './api';
import { currentMonth, monthLabel, MONTH_CLOSERS, MONTH_REOPENERS, reportKeys } from './model';

/** What closing means, said before and after. */
const closingText = (who: string, month: string) =>
  `关闭后，${who}${monthLabel(month)}的调度报告将不能再填报、修改或导入，未报的项目记为“未报”；确需调整须由市级管理员重新开放。`;

function countsText(c: MonthClosure['counts']) {
  return `应报${c.total}个：已报${c.onTime + c.late}个（逾期填报${c.late}个），未报${c.missing}个${
    c.due ? `，待报${c.due}个` : ''
  }`;
}

/**
 * The month's closing, per district (and the city's own projects): who closed
 * it and when; 关闭本月 for the admins (after a confirmation that says what it
 * means), 重新开放 with a reason for the city administrator.
 */
export function MonthClosures({ month }: { month: string }) {
  const me = useMe();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const mayClose = MONTH_CLOSERS.includes(me.role);
  const mayReopen = MONTH_REOPENERS.includes(me.role);
  const phone = !Grid.useBreakpoint().md;
  const over = month < currentMonth();
  const [reopening, setReopening] = useState<{ code: string; name: string } | null>(null);
  const closures = useQuery({
    queryKey: reportKeys.closures(me.activeRegionCode, month),
    queryFn: () => reportsApi.closures(month),
  });

  const close = useMutation({
    mutationFn: (regionCode: string) => reportsApi.closeMonth({ regionCode, month }),
    onSuccess: (r) => {
      message.success(`已关闭${monthLabel(r.month)}的调度（${r.regions.length}个区域）`);
      void qc.invalidateQueries({ queryKey: reportKeys.all });
    },
    onError: (e) => {
      message.error(errorText(e));
      void qc.invalidateQueries({ queryKey: reportKeys.all });
    },
  });

  const confirmClose = (code: string, name: string, c?: MonthClosure['counts']) =>
    modal.confirm({
      title: `关闭${name}${monthLabel(month)}的调度？`,
      width: 480,
      content: (
        <Flex vertical gap={8} data-testid="close-month-confirm">
          <Typography.Text>{closingText(name, month)}</Typography.Text>
          {c && (
            <Typography.Text type={c.missing + c.due ? 'warning' : 'secondary'}>
              目前{countsText(c)}。
            </Typography.Text>
          )}
        </Flex>
      ),
      okText: '确认关闭',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: () => close.mutateAsync(code).catch(() => undefined),
    });

  const list = closures.data ?? [];
  const single = list.length === 1 ? list[0]! : null;
  const cityRow = list.length > 1 ? list[0]! : null;
  const allClosed = list.length > 0 && list.every((c) => c.closed);

  const closeButton = (c: MonthClosure, label = '关闭本月') =>
    mayClose && !c.closed ? (
      <Tooltip title={over ? undefined : `${monthLabel(month)}尚未结束，不能关闭`}>
        <Button
          danger
          size="small"
          icon={<LockOutlined />}
          disabled={!over}
          loading={close.isPending && close.variables === c.regionCode}
          onClick={() => confirmClose(c.regionCode, c.regionName, c.counts)}
          data-testid="close-month"
        >
          {label}
        </Button>
      </Tooltip>
    ) : null;
  const reopenButton = (c: MonthClosure) =>
    mayReopen && c.closed ? (
      <Button
        size="small"
        icon={<UnlockOutlined />}
        onClick={() => setReopening({ code: c.regionCode, name: c.regionName })}
        data-testid="reopen-month"
      >
        重新开放
      </Button>
    ) : null;
  const state = (c: MonthClosure) =>
    c.closed ? (
      <Flex vertical>
        <span>
          <Tag icon={<LockOutlined />} color="default" style={{ marginInlineEnd: 0 }}>
            已关闭
          </Tag>
        </span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {c.closedBy} · {formatDateTime(c.closedAt)}
        </Typography.Text>
      </Flex>
    ) : (
      <Tag color="processing" style={{ marginInlineEnd: 0 }}>
        填报中
      </Tag>
    );

  let body;
  if (closures.isError)
    body = <QueryError error={closures.error} onRetry={() => void closures.refetch()} />;
  else if (!closures.data) body = null;
  else if (single)
    body = (
      <Alert
        type={single.closed ? 'info' : 'warning'}
        showIcon
        icon={single.closed ? <LockOutlined /> : undefined}
        data-testid="month-closure"
        data-closed={single.closed}
        title={
          single.closed
            ? `${single.regionName}${monthLabel(month)}的调度已关闭（${single.closedBy}，${formatDateTime(single.closedAt)}）`
            : `${single.regionName}${monthLabel(month)}的调度填报中：${countsText(single.counts)}`
        }
        description={
          <Flex vertical gap={8} align="flex-start">
            {single.closed
              ? '已关闭的月份不能再填报、修改或导入；确需调整请联系市级管理员重新开放。'
              : mayClose
                ? `调度会后请关闭本月。${closingText('', month)}`
                : null}
            {/* on a phone the button goes below the text, which keeps its width */}
            {phone && (closeButton(single) ?? reopenButton(single))}
          </Flex>
        }
        action={
          phone ? undefined : (
            <Flex gap={8} wrap>
              {closeButton(single)}
              {reopenButton(single)}
            </Flex>
          )
        }
      />
    );
  else {
    const columns: TableColumnsType<MonthClosure> = [
      { title: '区域', dataIndex: 'regionName', width: 170 },
      { title: '状态', key: 'state', width: 200, render: (_, c) => state(c) },
      {
        title: '应报',
        key: 'total',
        width: 70,
        align: 'right',
        render: (_, c) => c.counts.total,
      },
      {
        title: '已报',
        key: 'done',
        width: 70,
        align: 'right',
        render: (_, c) => c.counts.onTime + c.counts.late,
      },
      {
        title: '逾期填报',
        key: 'late',
        width: 80,
        align: 'right',
        render: (_, c) => c.counts.late,
      },
      {
        title: '未报',
        key: 'missing',
        width: 70,
        align: 'right',
        render: (_, c) =>
          c.counts.missing ? (
            <Typography.Text type="danger">{c.counts.missing}</Typography.Text>
          ) : (
            0
          ),
      },
      ...(mayClose || mayReopen
        ? [
            {
              title: '操作',
              key: 'actions',
              width: 120,
              // the city's own line: closing the city closes every district too (全部关闭)
              render: (_: unknown, c: MonthClosure) =>
                c === cityRow ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    随“全部关闭”
                  </Typography.Text>
                ) : (
                  (closeButton(c) ?? reopenButton(c))
                ),
            },
          ]
        : []),
    ];
    body = (
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{closingText('', month)}</Typography.Text>
        <Table<MonthClosure>
          rowKey="regionCode"
          size="small"
          data-testid="closures-table"
          columns={columns}
          dataSource={list}
          pagination={false}
          scroll={{ x: 'max-content', y: 320 }}
          onRow={(c) => ({ 'data-closed': c.closed }) as React.HTMLAttributes<HTMLElement>}
        />
      </Flex>
    );
  }

  return (
    <>
      {single || !closures.data ? (
        body
      ) : (
        <Card
          size="small"
          title={`各区域${monthLabel(month)}报送与关闭情况`}
          data-testid="month-closures"
          extra={
            mayClose &&
            cityRow &&
            !allClosed && (
              <Tooltip title={over ? undefined : `${monthLabel(month)}尚未结束，不能关闭`}>
                <Button
                  danger
                  size="small"
                  icon={<LockOutlined />}
                  disabled={!over}
                  onClick={() =>
                    confirmClose(
                      cityRow.regionCode,
                      `${cityRow.regionName.replace(/本级$/, '')}全市（含市本级及各区县）`,
                    )
                  }
                  data-testid="close-month-all"
                >
                  全部关闭
                </Button>
              </Tooltip>
            )
          }
        >
          {body}
        </Card>
      )}
      {reopening && (
        <ReopenMonthModal
          month={month}
          region={reopening}
          onClose={() => setReopening(null)}
          onDone={() => void qc.invalidateQueries({ queryKey: reportKeys.all })}
        />
      )}
    </>
  );
}

function ReopenMonthModal(props: {
  month: string;
  region: { code: string; name: string };
  onClose: () => void;
  onDone: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const reopen = useMutation({
    mutationFn: (reason: string) =>
      reportsApi.reopenMonth({ regionCode: props.region.code, month: props.month, reason }),
    onSuccess: (r) => {
      message.success(`已重新开放${monthLabel(r.month)}的调度`);
      props.onDone();
      props.onClose();
    },
  });
  return (
    <Modal
      open
      title={`重新开放${props.region.name}${monthLabel(props.month)}的调度`}
      okText="重新开放"
      okButtonProps={{ danger: true }}
      confirmLoading={reopen.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
      data-testid="reopen-month-modal"
    >
      <Typography.Paragraph>
        重新开放后，该月的报告可以再次填报、修改和导入，直到再次关闭。原因将记入审计日志。
      </Typography.Paragraph>
      {reopen.isError && (
        <Alert type="error" showIcon title={errorText(reopen.error)} style={{ marginBottom: 12 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        name="reopen-month"
        onFinish={(v) => reopen.mutate((v.reason ?? '').trim())}
      >
        <Form.Item
          label="原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写重新开放的原因' },
            zodRule(plainText(500)),
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            placeholder="如：经开区补报一汽解放项目10月投资，经市项目办同意"
            data-testid="reopen-month-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
