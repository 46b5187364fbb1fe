import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { plainName, regionLevelLabels, type Region, type RegionLevel } from '@xiangmu/contracts';
import { useMe, useRegions } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { emptyLocale, QueryError } from '../../components/QueryState';
import { api, errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { childGridLevel, type GridLevel } from '../../lib/regions';

interface Row extends Region {
  children?: Row[];
}

type ModalState =
  { kind: 'create'; parent: Region; level: GridLevel } | { kind: 'rename'; region: Region } | null;

/** The visible tree, optionally keeping only matches of `q` and their ancestors. */
function toRows(regions: readonly Region[], q: string): { rows: Row[]; expand: string[] } {
  const byCode = new Map<string, Row>(regions.map((r) => [r.code, { ...r }]));
  const keep = new Set<string>();
  const expand = new Set<string>();
  if (q) {
    for (const r of regions)
      if (r.name.includes(q) || r.code.startsWith(q)) {
        keep.add(r.code);
        for (let p = r.parentCode; p && byCode.has(p); p = byCode.get(p)!.parentCode) {
          keep.add(p);
          expand.add(p);
        }
      }
  }
  const rows: Row[] = [];
  for (const r of regions) {
    if (q && !keep.has(r.code)) continue;
    const row = byCode.get(r.code)!;
    const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
    if (parent && (!q || keep.has(parent.code))) (parent.children ??= []).push(row);
    else rows.push(row);
  }
  if (!q) rows.forEach((r) => expand.add(r.code));
  return { rows, expand: [...expand] };
}

function GridModal({
  state,
  onClose,
  onSaved,
}: {
  state: ModalState;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; version?: number }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!state) return;
    form.resetFields();
    if (state.kind === 'rename')
      form.setFieldsValue({ name: state.region.name, version: state.region.version });
  }, [state, form]);

  async function submit() {
    if (!state) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      if (state.kind === 'create') {
        const g = await api.regions.createGrid({
          parentCode: state.parent.code,
          name: v.name.trim(),
          level: state.level,
        });
        message.success(`已新建${regionLevelLabels[g.level]}：${g.name}（${g.code}）`);
      } else {
        await api.regions.renameGrid(state.region.code, {
          name: v.name.trim(),
          version: v.version ?? state.region.version,
        });
        message.success('网格名称已修改');
      }
      onSaved();
      onClose();
    } catch (e) {
      if (isApiError(e, 'VERSION_CONFLICT') && e.current) {
        const current = e.current as Region;
        form.setFieldsValue({ name: current.name, version: current.version });
        message.warning('名称刚被他人修改，已载入最新名称，请核对后重新保存');
        onSaved();
      } else if (!applyFieldIssues(form, e)) message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={!!state}
      title={state?.kind === 'create' ? `新建${regionLevelLabels[state.level]}` : '修改网格名称'}
      onCancel={onClose}
      onOk={submit}
      okText="保存"
      confirmLoading={busy}
      forceRender
      destroyOnHidden
    >
      {state?.kind === 'create' && (
        <Typography.Paragraph type="secondary">
          上级：{state.parent.name}（{regionLevelLabels[state.parent.level]}，{state.parent.code}
          ）。区划代码由系统按上级代码自动编排。
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" data-testid="grid-form">
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item
          label="名称"
          name="name"
          rules={[{ required: true, message: '请输入名称' }, zodRule(plainName(40))]}
        >
          <Input maxLength={40} placeholder="如：潮河第1二级网格" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function RegionsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const regions = useRegions();
  const [q, setQ] = useState('');
  const [modal, setModal] = useState<ModalState>(null);
  const [expanded, setExpanded] = useState<readonly React.Key[] | null>(null);
  const { rows, expand } = useMemo(() => toRows(regions.data ?? [], q), [regions.data, q]);
  const canManage = me.role === 'city_admin' || me.role === 'district_admin';

  const columns: TableColumnsType<Row> = [
    { title: '名称', dataIndex: 'name', width: 280 },
    {
      title: '区划代码',
      dataIndex: 'code',
      width: 150,
      render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
    },
    {
      title: '层级',
      dataIndex: 'level',
      width: 120,
      render: (l: RegionLevel) => regionLevelLabels[l],
    },
    {
      title: '来源',
      dataIndex: 'official',
      width: 110,
      render: (o: boolean) => (o ? <Tag>国家标准</Tag> : <Tag color="cyan">自建网格</Tag>),
    },
    ...(canManage
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 200,
            render: (_: unknown, r: Row) => {
              const next = childGridLevel[r.level];
              return (
                <Space size={0}>
                  {next && (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => setModal({ kind: 'create', parent: r, level: next })}
                    >
                      新建{regionLevelLabels[next]}
                    </Button>
                  )}
                  {!r.official && (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => setModal({ kind: 'rename', region: r })}
                    >
                      改名
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title="行政区划"
        description="市、区县/功能区、街道/乡镇来自国家标准（GB/T 2260），只读；其下的一级、二级、三级网格和微网格由管理员维护"
      />
      <Card>
        <Flex gap={8} wrap className="filter-bar" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder="名称或代码"
            onSearch={(v) => {
              setQ(v.trim());
              setExpanded(null);
            }}
            style={{ width: 240 }}
            data-testid="region-search"
          />
          <Tooltip title="刷新">
            <Button
              className="filter-bar-keep"
              icon={<ReloadOutlined />}
              aria-label="刷新"
              onClick={() => void qc.invalidateQueries({ queryKey: ['regions'] })}
            />
          </Tooltip>
          <Typography.Text
            type="secondary"
            className="filter-bar-keep"
            style={{ alignSelf: 'center' }}
          >
            共 {regions.data?.length ?? 0} 个区划
          </Typography.Text>
        </Flex>
        {regions.isError && (
          <QueryError error={regions.error} onRetry={() => void regions.refetch()} />
        )}
        <Table<Row>
          rowKey="code"
          data-testid="regions-table"
          columns={columns}
          dataSource={rows}
          loading={regions.isFetching}
          locale={emptyLocale(q ? '没有匹配的区划' : '暂无区划', regions.isError)}
          expandable={{
            expandedRowKeys: expanded ?? expand,
            onExpandedRowsChange: (keys) => setExpanded(keys),
          }}
          scroll={{ x: 'max-content' }}
          size="small"
          pagination={false}
        />
      </Card>
      <GridModal
        state={modal}
        onClose={() => setModal(null)}
        onSaved={() => void qc.invalidateQueries({ queryKey: ['regions'] })}
      />
    </>
  );
}
