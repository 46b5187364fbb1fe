import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  Progress,
  Result,
  Row,
  Spin,
  Steps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { importStatusLabels, type ImportKind, type ProjectImport } from '@xiangmu/contracts';
import { QueryError } from '../QueryState';
import { errorText, isApiError } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { MappingStep, type CampaignChoices } from './MappingStep';
import { PreviewStep } from './PreviewStep';
import { RecentImports } from './RecentImports';
import {
  busy,
  checkFile,
  POLL_MS,
  statusColors,
  stepOf,
  type ImportApi,
  type ImportTexts,
} from './model';

export interface ImportWizardProps {
  kind: ImportKind;
  api: ImportApi;
  texts: ImportTexts;
  /** the import shown (from the route), or null for the upload step */
  id: number | null;
  /** query key of this kind's imports in the active region */
  queryKey: readonly unknown[];
  /** invalidated once an import has been written */
  writtenKey: readonly unknown[];
  /** route of the upload step; one import's wizard is `${path}/${id}` */
  path: string;
  /** kept on every link (the report page's `?month=`) */
  search?: string | undefined;
  /** the report page's month: the mapping step's default */
  defaultMonth?: string | undefined;
  /** the project page's "三个一批" periods, for a 项目类别 column */
  campaigns?: CampaignChoices | undefined;
  /** above the file drop area (the report page's month picker) */
  uploadExtra?: ReactNode;
  /** 导入说明, beside the upload step */
  help: ReactNode;
  /** the buttons of the 导入完成 result, before 继续导入 */
  doneActions: ReactNode;
}

/**
 * The import wizard of every spreadsheet import: 上传文件 → 列映射 → 校验预览
 * → 导入完成. The server keeps the file until it is applied; the step shown
 * follows the import's status, which is polled while the server works.
 */
export function ImportWizard(props: ImportWizardProps) {
  const { id, api, texts } = props;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const listKey = [...props.queryKey, 'list'];
  const search = props.search ?? '';
  const link = (to: number | null) => `${props.path}${to === null ? '' : `/${to}`}${search}`;

  const recent = useQuery({
    queryKey: listKey,
    queryFn: () => api.list(),
    // keep the list's status tags current while something is running
    refetchInterval: (q) => (q.state.data?.some((i) => busy(i.status)) ? 2000 : false),
  });

  const uploadFile = useMutation({
    mutationFn: (file: File) => api.upload(file),
    onSuccess: (imp) => {
      qc.setQueryData([...props.queryKey, imp.id], imp);
      void qc.invalidateQueries({ queryKey: listKey });
      navigate(link(imp.id));
    },
  });

  const uploader = (
    <Flex vertical gap={12} data-testid="import-dragger">
      {props.uploadExtra}
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
        <p className="ant-upload-hint">
          仅支持 .xlsx，单个文件不超过20MB；上传后先核对列映射、校验数据，确认后才写入
        </p>
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

  const recentCard = (
    <RecentImports
      imports={recent.data}
      loading={recent.isLoading}
      error={recent.isError ? recent.error : null}
      onRetry={() => void recent.refetch()}
      current={id}
      link={link}
      texts={texts}
    />
  );

  if (id === null)
    return (
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title="上传文件">
            <WizardSteps current={0} />
            {uploader}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          {props.help}
        </Col>
        <Col xs={24}>{recentCard}</Col>
      </Row>
    );

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24}>
        <ImportDetail {...props} id={id} listKey={listKey} link={link} uploader={uploader} />
      </Col>
      <Col xs={24}>{recentCard}</Col>
    </Row>
  );
}

function WizardSteps({ current, status }: { current: number; status?: 'error' | 'finish' }) {
  return (
    <Steps
      size="small"
      current={current}
      status={status ?? 'process'}
      titlePlacement="vertical"
      responsive={false}
      items={[
        { title: '上传文件' },
        { title: '列映射' },
        { title: '校验预览' },
        { title: '导入完成' },
      ]}
      style={{ marginBottom: 24 }}
      data-testid="import-steps"
    />
  );
}

/** One import, at the step its status says. */
function ImportDetail(
  props: ImportWizardProps & {
    id: number;
    listKey: readonly unknown[];
    link: (id: number | null) => string;
    uploader: ReactNode;
  },
) {
  const { id, api, texts } = props;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryKey = [...props.queryKey, id];
  /** back from the preview to the mapping step */
  const [editing, setEditing] = useState(false);

  /** keeps 最近的导入 in step with what this page shows */
  const remember = (fresh: ProjectImport) => {
    qc.setQueryData<ProjectImport[]>(props.listKey, (list) =>
      list?.map((i) => (i.id === fresh.id ? fresh : i)),
    );
    return fresh;
  };
  const imp = useQuery({
    queryKey,
    queryFn: async () => remember(await api.get(id)),
    refetchInterval: (q) => (busy(q.state.data?.status) ? POLL_MS : false),
  });
  const settled = (fresh: ProjectImport) => qc.setQueryData(queryKey, remember(fresh));

  // once the rows are written (seen here go from applying to applied), the lists they feed are stale
  const status = imp.data?.status;
  const seen = useRef(status);
  const { writtenKey } = props;
  useEffect(() => {
    if (seen.current !== undefined && seen.current !== 'applied' && status === 'applied') {
      void qc.invalidateQueries({ queryKey: writtenKey });
      message.success('已导入');
    }
    seen.current = status;
  }, [status, qc, message, writtenKey]);

  const mapping = useMutation({
    mutationFn: (body: Parameters<ImportApi['mapping']>[1]) => api.mapping(id, body),
    onSuccess: (fresh) => {
      settled(fresh);
      setEditing(false);
    },
    onError: (e) => {
      // a refused mapping stays on the step; anything else: the import may have moved on
      if (!isApiError(e, 'VALIDATION_FAILED')) void qc.invalidateQueries({ queryKey });
    },
  });
  const apply = useMutation({
    mutationFn: (body: Parameters<ImportApi['apply']>[1]) => api.apply(id, body),
    onSuccess: settled,
    onError: () => void qc.invalidateQueries({ queryKey }),
  });

  const again = (
    <Button
      icon={<ReloadOutlined />}
      onClick={() => navigate(props.link(null))}
      data-testid="import-again"
    >
      重新上传
    </Button>
  );

  if (imp.isPending)
    return (
      <Card>
        <Spin style={{ display: 'block', margin: '32px auto' }} />
      </Card>
    );
  if (imp.isError)
    return (
      <Card>
        {isApiError(imp.error, 'IMPORT_NOT_FOUND') ? (
          <Result
            status="404"
            title="导入记录不存在"
            subTitle="该导入记录不存在，或不属于当前区域。"
            extra={again}
          />
        ) : (
          <QueryError error={imp.error} onRetry={() => void imp.refetch()} />
        )}
      </Card>
    );

  const d = imp.data;
  const isEditing = editing && d.status === 'validated' && d.layout !== null;
  const step = stepOf(d, isEditing);
  const title = (
    <Flex gap={8} align="center" wrap style={{ minWidth: 0, padding: '8px 0' }}>
      <Typography.Text strong style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>
        {d.filename}
      </Typography.Text>
      <Tag color={statusColorOf(d)} data-testid="import-status">
        {importStatusLabels[d.status]}
      </Tag>
    </Flex>
  );

  let body: ReactNode;
  if (d.status === 'failed')
    body = (
      <Flex vertical gap={16}>
        <Alert
          type="error"
          showIcon
          title="该文件无法导入"
          description={d.failure ?? '导入失败，请检查文件后重新上传'}
          data-testid="import-failure"
        />
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={16}>
            {props.uploader}
          </Col>
          <Col xs={24} lg={8}>
            {props.help}
          </Col>
        </Row>
      </Flex>
    );
  else if ((d.status === 'mapping' || isEditing) && d.layout)
    body = (
      <>
        {d.status === 'mapping' && d.failure && (
          <Alert
            type="warning"
            showIcon
            title={d.failure}
            data-testid="import-interrupted"
            style={{ marginBottom: 16 }}
          />
        )}
        <MappingStep
          key={`${d.id}-${isEditing}`}
          imp={d}
          layout={d.layout}
          kind={props.kind}
          defaultMonth={props.defaultMonth}
          campaigns={props.campaigns}
          pending={mapping.isPending}
          error={mapping.isError ? mapping.error : null}
          onSubmit={(b) => mapping.mutate(b)}
          onCancel={
            isEditing
              ? () => {
                  mapping.reset();
                  setEditing(false);
                }
              : undefined
          }
          again={again}
        />
      </>
    );
  else if (d.status === 'mapping')
    // an import without a layout cannot be mapped: only a new upload helps
    body = (
      <Alert type="warning" showIcon title="该导入记录缺少表头信息，请重新上传" action={again} />
    );
  else if (d.status === 'validating' || d.status === 'applying') {
    // the apply is one transaction: there is nothing to count until it commits
    const total = d.status === 'applying' ? null : d.totalRows;
    const done = d.processedRows;
    const known = total !== null && total > 0;
    const percent = known ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    body = (
      <div data-testid="import-progress">
        <Progress
          percent={percent}
          status="active"
          showInfo={known}
          strokeColor={known ? undefined : '#91caff'}
        />
        <Typography.Text type="secondary">
          {d.status === 'applying'
            ? `正在一次性写入${texts.target}（${d.createRows + d.updateRows} 行，全部成功或全部不写）…`
            : total === null
              ? `正在读取文件，已读取 ${done} 行…`
              : `正在校验：${done} / ${total} 行。`}
          可以离开本页，稍后从“最近的导入”回来查看。
        </Typography.Text>
      </div>
    );
  } else if (d.status === 'applied')
    body = (
      <Result
        status="success"
        title="已导入"
        subTitle={`${texts.create} ${d.createRows} ${texts.unit}${texts.noun}，修改 ${d.updateRows} ${texts.unit}${texts.noun}${
          d.rejectedRows ? `，${d.rejectedRows} 行有问题未导入` : ''
        }${d.appliedAt ? `（${formatDateTime(d.appliedAt)}）` : ''}`}
        data-testid="import-applied"
        extra={
          <Flex gap={8} justify="center" wrap>
            {props.doneActions}
            <Button onClick={() => navigate(props.link(null))}>继续导入</Button>
          </Flex>
        }
      />
    );
  else
    body = (
      <PreviewStep
        key={d.id}
        imp={d}
        texts={texts}
        applying={apply.isPending}
        applyError={apply.isError ? apply.error : null}
        onApply={(b) => apply.mutate(b)}
        onBack={
          d.layout
            ? () => {
                apply.reset();
                setEditing(true);
              }
            : null
        }
        again={again}
      />
    );

  return (
    <Card title={title}>
      <WizardSteps
        current={step}
        status={d.status === 'failed' ? 'error' : d.status === 'applied' ? 'finish' : undefined}
      />
      {body}
    </Card>
  );
}

/** a preview whose last apply failed shows red, not 待导入 gold */
const statusColorOf = (d: ProjectImport) =>
  d.status === 'validated' && d.failure ? 'error' : statusColors[d.status];
