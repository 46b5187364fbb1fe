import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Progress,
  Result,
  Row,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import {
  ArrowLeftOutlined,
  DownloadOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import {
  IMPORT_MAX_BYTES,
  importStatusLabels,
  type ImportRowError,
  type ProjectImport,
} from '@xiangmu/contracts';
import { useMe } from '../../app/auth';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { errorText, isApiError, saveBlob } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { reportsApi } from './api';
import { currentMonth, defaultReportMonth, isMonth, monthLabel, reportKeys } from './model';

const POLL_MS = 700;

const statusColors: Record<ProjectImport['status'], string> = {
  validating: 'processing',
  validated: 'gold',
  applying: 'processing',
  applied: 'success',
  failed: 'error',
};

const busy = (s: ProjectImport['status'] | undefined) => s === 'validating' || s === 'applying';

/** Refuses what the server would refuse anyway, before sending 20 MB for nothing. */
function checkFile(file: File): string | null {
  if (!/\.xlsx$/i.test(file.name))
    return '仅支持 Excel 2007 及以上格式（.xlsx）的文件；.xls 请先在 Excel 中另存为 .xlsx';
  if (file.size > IMPORT_MAX_BYTES) return '文件超过20MB，请拆分后再导入';
  if (file.size === 0) return '文件是空的，请检查后重新选择';
  return null;
}

/**
 * 导入月度调度: the districts' own monthly ledgers or the template, checked
 * row by row on the server (progress bar), the rejected rows with their row,
 * column and reason, then 确认导入 writes every valid row or none.
 */
export default function ReportImportPage() {
  const me = useMe();
  const { id: idParam } = useParams();
  const id = idParam !== undefined && /^\d+$/.test(idParam) ? Number(idParam) : null;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const rawMonth = params.get('month');
  const month = isMonth(rawMonth) && rawMonth <= currentMonth() ? rawMonth : defaultReportMonth();
  const [downloading, setDownloading] = useState(false);
  const importsKey = reportKeys.imports(me.activeRegionCode);

  const recent = useQuery({
    queryKey: [...importsKey, 'list'],
    queryFn: () => reportsApi.imports.list(),
    // keep the list's status tags current while something is running
    refetchInterval: (q) => (q.state.data?.some((i) => busy(i.status)) ? 2000 : false),
  });

  const uploadFile = useMutation({
    mutationFn: (file: File) => reportsApi.imports.upload(file, month),
    onSuccess: (imp) => {
      qc.setQueryData([...importsKey, imp.id], imp);
      void qc.invalidateQueries({ queryKey: [...importsKey, 'list'] });
      navigate(`/reports/import/${imp.id}?month=${month}`);
    },
  });

  async function downloadTemplate() {
    setDownloading(true);
    try {
      const { blob, filename } = await reportsApi.importTemplate(month);
      saveBlob(blob, filename);
    } catch (e) {
      message.error(`下载失败：${errorText(e)}`);
    } finally {
      setDownloading(false);
    }
  }

  const uploader = (
    <Flex vertical gap={12} data-testid="import-dragger">
      <Flex gap={8} align="center" wrap>
        <Typography.Text>调度月份</Typography.Text>
        <DatePicker
          picker="month"
          value={dayjs(`${month}-01`)}
          allowClear={false}
          format="YYYY年M月"
          disabledDate={(d) => d.format('YYYY-MM') > currentMonth()}
          onChange={(d) =>
            d &&
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                next.set('month', d.format('YYYY-MM'));
                return next;
              },
              { replace: true },
            )
          }
          style={{ width: 150 }}
          aria-label="调度月份"
          data-testid="import-month"
        />
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          文件中没有“月份”列时，所有行按此月份导入
        </Typography.Text>
      </Flex>
      <Upload.Dragger
        accept=".xlsx"
        multiple={false}
        showUploadList={false}
        disabled={uploadFile.isPending}
        beforeUpload={(file) => {
          const problem = checkFile(file);
          if (problem) message.error(problem);
          else uploadFile.mutate(file);
          return Upload.LIST_IGNORE;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">
          {uploadFile.isPending ? '正在上传…' : '点击或将 Excel 文件拖到此处'}
        </p>
        <p className="ant-upload-hint">仅支持 .xlsx，单个文件不超过20MB</p>
      </Upload.Dragger>
      {uploadFile.isError && (
        <Alert
          type="error"
          showIcon
          title="上传失败"
          description={errorText(uploadFile.error)}
          data-testid="import-upload-error"
        />
      )}
    </Flex>
  );

  const help = (
    <Card title="导入说明" size="small">
      <Flex vertical gap={8}>
        <Button
          icon={<DownloadOutlined />}
          loading={downloading}
          onClick={() => void downloadTemplate()}
          data-testid="import-template"
          style={{ alignSelf: 'flex-start' }}
        >
          下载{monthLabel(month)}导入模板
        </Button>
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          模板已列出{monthLabel(month)}
          尚未报送的应报项目，填写后上传即可。也可以直接上传区县自己的月度调度台账：允许有标题行、合并的多行表头和“合计”行；金额默认按万元读取（表头写“亿元”则按亿元）；月份可写作
          2026-10、2026年10月。
        </Typography.Paragraph>
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          必填列：
          <Typography.Text strong>项目名称、本月完成投资、形象进度</Typography.Text>
          ；“月份”列可省略（按上方选择的月份）。项目名称须与项目库完全一致，同名项目分属不同区域时请填写“所属区域”。
        </Typography.Paragraph>
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          同一项目同一月份已有报告的，导入将修改该报告；已关闭的月份不能导入；截止日后首次报送的记为逾期填报。
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          上传后先校验，确认后才写入：有效的行一次性全部写入，或全部不写。
        </Typography.Paragraph>
      </Flex>
    </Card>
  );

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to={`/reports?month=${month}`}>月度调度</Link> },
          id === null
            ? { title: '导入月度调度' }
            : { title: <Link to={`/reports/import?month=${month}`}>导入月度调度</Link> },
          ...(id === null ? [] : [{ title: `导入记录 #${id}` }]),
        ]}
      />
      <PageHeader
        title="导入月度调度"
        description={`从 Excel 批量填报${me.activeRegionName}及下级区域重点项目的月度调度`}
        extra={
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() => navigate(`/reports?month=${month}`)}
            data-testid="back-to-reports"
          >
            返回月度调度
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title={id === null ? '上传文件' : '导入结果'}>
            {id === null ? (
              uploader
            ) : (
              <ImportDetail
                id={id}
                month={month}
                queryKey={[...importsKey, id]}
                listKey={[...importsKey, 'list']}
                uploader={uploader}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          {help}
        </Col>
        <Col xs={24}>
          <RecentImports
            imports={recent.data}
            loading={recent.isLoading}
            error={recent.isError ? recent.error : null}
            onRetry={() => void recent.refetch()}
            current={id}
            month={month}
          />
        </Col>
      </Row>
    </>
  );
}

/** One import: progress while validating, the check result, then the outcome. */
function ImportDetail({
  id,
  month,
  queryKey,
  listKey,
  uploader,
}: {
  id: number;
  month: string;
  queryKey: readonly unknown[];
  listKey: readonly unknown[];
  uploader: ReactNode;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  /** keeps the row in 最近的导入 in step with what this page shows */
  const remember = (fresh: ProjectImport) => {
    qc.setQueryData<ProjectImport[]>(listKey, (list) =>
      list?.map((i) => (i.id === fresh.id ? fresh : i)),
    );
    return fresh;
  };
  const imp = useQuery({
    queryKey,
    queryFn: async () => remember(await reportsApi.imports.get(id)),
    refetchInterval: (q) => (busy(q.state.data?.status) ? POLL_MS : false),
  });

  const apply = useMutation({
    mutationFn: () => reportsApi.imports.apply(id),
    onSuccess: (done) => {
      qc.setQueryData(queryKey, remember(done));
      void qc.invalidateQueries({ queryKey: reportKeys.all });
      message.success('已导入');
    },
    onError: () => {
      // the import may have moved on (applied by someone else, or failed)
      void qc.invalidateQueries({ queryKey });
    },
  });

  const again = (
    <Button
      icon={<ReloadOutlined />}
      onClick={() => navigate(`/reports/import?month=${month}`)}
      data-testid="import-again"
    >
      重新上传
    </Button>
  );

  if (imp.isPending) return <Spin style={{ display: 'block', margin: '32px auto' }} />;
  if (imp.isError)
    return isApiError(imp.error, 'IMPORT_NOT_FOUND') ? (
      <Result
        status="404"
        title="导入记录不存在"
        subTitle="该导入记录不存在，或不属于当前区域。"
        extra={again}
      />
    ) : (
      <QueryError error={imp.error} onRetry={() => void imp.refetch()} />
    );

  const d = imp.data;
  const header = (
    <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
      <Typography.Text strong style={{ wordBreak: 'break-all' }}>
        {d.filename}
      </Typography.Text>
      <Tag color={statusColors[d.status]} data-testid="import-status">
        {importStatusLabels[d.status]}
      </Tag>
    </Flex>
  );

  if (d.status === 'validating' || d.status === 'applying') {
    const known = d.totalRows !== null && d.totalRows > 0;
    const percent = known ? Math.min(100, Math.floor((d.processedRows / d.totalRows!) * 100)) : 100;
    return (
      <div data-testid="import-progress">
        {header}
        <Progress
          percent={percent}
          status="active"
          showInfo={known}
          strokeColor={known ? undefined : '#91caff'}
        />
        <Typography.Text type="secondary">
          {d.status === 'applying'
            ? '正在写入月度调度…'
            : d.totalRows === null
              ? `正在读取文件，已读取 ${d.processedRows} 行…`
              : `正在校验：${d.processedRows} / ${d.totalRows} 行`}
          可以离开本页，稍后从“最近的导入”回来查看。
        </Typography.Text>
      </div>
    );
  }

  if (d.status === 'failed')
    return (
      <>
        {header}
        <Alert
          type="error"
          showIcon
          title="该文件无法导入"
          description={d.failure ?? '导入失败，请检查文件后重新上传'}
          action={again}
          data-testid="import-failure"
          style={{ marginBottom: 16 }}
        />
        {uploader}
      </>
    );

  const counts = (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
      {(
        [
          ['create', '新填报', d.createRows, '份'],
          ['update', '修改', d.updateRows, '份'],
          ['unchanged', '无变化', d.unchangedRows, '份'],
          ['rejected', '有问题', d.rejectedRows, '行'],
        ] as const
      ).map(([key, title, value, suffix]) => (
        <Col xs={12} sm={6} key={key}>
          <Card size="small" data-testid={`import-count-${key}`}>
            <Statistic
              title={title}
              value={value}
              suffix={suffix}
              styles={
                key === 'rejected' && value > 0 ? { content: { color: '#cf1322' } } : undefined
              }
            />
          </Card>
        </Col>
      ))}
    </Row>
  );

  if (d.status === 'applied')
    return (
      <Result
        status="success"
        title="已导入"
        subTitle={`新填报 ${d.createRows} 份报告，修改 ${d.updateRows} 份报告${
          d.rejectedRows ? `，${d.rejectedRows} 行有问题未导入` : ''
        }${d.appliedAt ? `（${formatDateTime(d.appliedAt)}）` : ''}`}
        data-testid="import-applied"
        extra={[
          <Button
            type="primary"
            key="list"
            onClick={() => navigate(`/reports?month=${month}`)}
            data-testid="import-to-reports"
          >
            查看月度调度
          </Button>,
          <Button key="again" onClick={() => navigate(`/reports/import?month=${month}`)}>
            继续导入
          </Button>,
        ]}
      />
    );

  // validated
  const writes = d.createRows + d.updateRows;
  return (
    <div data-testid="import-validated">
      {header}
      {counts}
      <Alert
        type="info"
        showIcon
        title="校验完成，尚未写入任何数据"
        description={
          d.rejectedRows
            ? '确认导入后，有效的行将一次性写入月度调度；有问题的行不会导入，可修改后另行上传。'
            : '确认导入后，有效的行将一次性写入月度调度。'
        }
        style={{ marginBottom: 16 }}
      />
      {d.errors.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            有问题的行
            {d.rejectedRows > d.errors.length && (
              <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }}>
                （共 {d.rejectedRows} 行，仅显示前 {d.errors.length} 条）
              </Typography.Text>
            )}
          </Typography.Title>
          <RejectedRows errors={d.errors} />
        </>
      )}
      {apply.isError && (
        <Alert
          type="error"
          showIcon
          title="导入未完成"
          description={errorText(apply.error)}
          action={isApiError(apply.error, 'IMPORT_CHANGED_MEANWHILE') ? again : undefined}
          data-testid="import-apply-error"
          style={{ marginBottom: 16 }}
        />
      )}
      <Flex gap={12} align="center" wrap>
        <Button
          type="primary"
          disabled={writes === 0}
          loading={apply.isPending}
          onClick={() => apply.mutate()}
          data-testid="import-apply"
        >
          确认导入（{writes}行）
        </Button>
        {writes === 0 && <Typography.Text type="secondary">没有需要写入的行</Typography.Text>}
        <Button onClick={() => navigate(`/reports/import?month=${month}`)}>重新上传</Button>
      </Flex>
    </div>
  );
}

function RejectedRows({ errors }: { errors: ImportRowError[] }) {
  const columns: TableColumnsType<ImportRowError & { key: number }> = [
    { title: '行号', dataIndex: 'row', width: 72 },
    { title: '列', dataIndex: 'field', width: 150, render: (f: string | null) => f ?? '—' },
    { title: '原因', dataIndex: 'message' },
  ];
  return (
    <Table
      size="small"
      data-testid="import-errors"
      columns={columns}
      dataSource={errors.map((e, key) => ({ ...e, key }))}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      scroll={{ x: 'max-content' }}
      style={{ marginBottom: 16 }}
    />
  );
}

function RecentImports({
  imports,
  loading,
  error,
  onRetry,
  current,
  month,
}: {
  imports: ProjectImport[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  current: number | null;
  month: string;
}) {
  return (
    <Card title="最近的导入" size="small" data-testid="import-recent">
      {error ? <QueryError error={error} onRetry={onRetry} /> : null}
      {loading && <Spin style={{ display: 'block', margin: '16px auto' }} />}
      {imports && imports.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="还没有导入记录" />
      )}
      <Flex vertical>
        {(imports ?? []).map((i, n) => (
          <Flex
            key={i.id}
            justify="space-between"
            align="center"
            wrap
            gap={8}
            data-testid="import-recent-item"
            style={{
              padding: '10px 4px',
              borderTop: n ? '1px solid rgba(5,5,5,0.06)' : undefined,
              background: i.id === current ? 'rgba(22,119,255,0.06)' : undefined,
            }}
          >
            <Flex vertical style={{ minWidth: 0 }}>
              <Link
                to={`/reports/import/${i.id}?month=${month}`}
                style={{ wordBreak: 'break-all' }}
              >
                {i.filename}
              </Link>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.actorName} · {formatDateTime(i.createdAt)}
              </Typography.Text>
            </Flex>
            <Flex gap={8} align="center" wrap>
              {(i.status === 'validated' || i.status === 'applied') && (
                <Typography.Text style={{ fontSize: 13 }}>
                  新填报 {i.createRows} / 修改 {i.updateRows} / 无变化 {i.unchangedRows}
                  {i.rejectedRows ? ` / 有问题 ${i.rejectedRows}行` : ''}
                </Typography.Text>
              )}
              <Tag color={statusColors[i.status]} style={{ marginInlineEnd: 0 }}>
                {importStatusLabels[i.status]}
              </Tag>
            </Flex>
          </Flex>
        ))}
      </Flex>
    </Card>
  );
}
