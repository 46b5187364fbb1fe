import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Grid, Input, Radio, Select } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import {
  phone,
  plainName,
  plainText,
  ticketSourceLabels,
  ticketTimeLimitLabel,
  type TicketSource,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { SearchSelect } from '../../components/SearchSelect';
import { api, errorText } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { EnterpriseSelect } from '../enterprises';
import { ticketsApi, type CreateTicketInput } from './api';
import { intakeSources, newIdempotencyKey, positiveParam, ticketKeys } from './model';
import { categoryOptions, useTicketCategories } from './queries';
import { LocationField, type LngLat } from './LocationField';
import {
  LocalPhotoPicker,
  MAX_TICKET_PHOTOS,
  uploadTicketPhotos,
  UploadProgressBar,
  type UploadProgress,
} from './TicketPhotos';

interface Values {
  source: TicketSource;
  categoryId?: number;
  title?: string;
  description?: string;
  regionCode?: string;
  enterpriseId?: number;
  projectId?: number;
  requesterName?: string;
  requesterPhone?: string;
  address?: string;
  location?: LngLat;
}

/** 项目问题: a project of the region, searched by name */
function ProjectSelect(props: {
  value?: number;
  onChange?: (v: number | undefined) => void;
  id?: string;
  initial?: { value: number; label: string } | undefined;
}) {
  const me = useMe();
  return (
    <SearchSelect
      {...props}
      queryKey={(q) => ['projects', me.activeRegionCode, 'ticket-picker', q]}
      search={async (q) =>
        (await api.projects.list({ page: 1, pageSize: 20, ...(q ? { q } : {}) })).items.map(
          (p) => ({ value: p.id, label: p.name }),
        )
      }
      placeholder="输入项目名称搜索"
      notFound="没有匹配的项目"
      testId="ticket-project"
    />
  );
}

const optional = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

function toRequest(v: Values, key: string): CreateTicketInput {
  const body: CreateTicketInput = {
    source: v.source,
    categoryId: v.categoryId!,
    title: (v.title ?? '').trim(),
    description: (v.description ?? '').trim(),
    idempotencyKey: key,
  };
  const extra = {
    regionCode: v.regionCode,
    enterpriseId: v.source === 'enterprise' ? v.enterpriseId : undefined,
    projectId: v.source === 'project' ? v.projectId : undefined,
    requesterName: optional(v.requesterName),
    requesterPhone: optional(v.requesterPhone),
    address: optional(v.address),
    lng: v.location?.lng,
    lat: v.location?.lat,
  };
  for (const [k, x] of Object.entries(extra))
    if (x !== undefined) (body as Record<string, unknown>)[k] = x;
  return body;
}

/**
 * 登记工单: the sources the role may register, the category (with its time
 * limit), what and where; a grid worker adds his position and photos from
 * the phone. One idempotency key per opening of the form: a double tap or a
 * retry after a lost answer creates one ticket. Photos go up after the
 * ticket exists, one by one, with progress.
 */
export default function TicketFormPage() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const sources = intakeSources(me.role);
  const categories = useTicketCategories();
  const [key] = useState(newIdempotencyKey);
  const [photos, setPhotos] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [created, setCreated] = useState<{ id: number; number: string } | null>(null);
  const submitting = useRef(false);
  // from a project's page: 登记项目问题 with the project chosen
  const [params] = useSearchParams();
  const presetId = sources.includes('project') ? positiveParam(params.get('project')) : undefined;
  const preset = presetId
    ? { value: presetId, label: params.get('projectName') ?? `#${presetId}` }
    : undefined;
  const firstSource = preset ? 'project' : sources[0];
  const source = Form.useWatch('source', form) ?? firstSource;
  const categoryId = Form.useWatch('categoryId', form);
  const category = categories.data?.find((c) => c.id === categoryId);
  const ownCompany = me.role === 'enterprise';

  async function submit(v: Values) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    try {
      const ticket = await ticketsApi.create(toRequest(v, key));
      setCreated({ id: ticket.id, number: ticket.number });
      void qc.invalidateQueries({ queryKey: ticketKeys.all });
      const result = photos.length
        ? await uploadTicketPhotos(ticket.id, photos, setProgress)
        : null;
      if (!result || result.failed.length === 0)
        void navigate(`/tickets/${ticket.id}`, { replace: true });
    } catch (e) {
      applyFieldIssues(form, e);
      setError(errorText(e));
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  }

  if (sources.length === 0)
    return <Alert type="info" showIcon title="您的角色只能查看工单，不能登记" />;

  return (
    <>
      <PageHeader
        title="登记工单"
        description={
          me.role === 'grid_worker'
            ? '上报网格事件：说明情况，定位并拍照，提交后由街道派遣处置'
            : me.role === 'enterprise'
              ? '向包联干部和有关部门提出企业诉求，办理结果将反馈给您评价'
              : '登记后按类别时限办理，超期自动升级'
        }
      />
      <Card style={{ maxWidth: 760 }}>
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="ticket-form-error"
          />
        )}
        <Form
          form={form}
          name="ticket"
          layout="vertical"
          initialValues={{
            source: firstSource,
            ...(preset ? { projectId: preset.value } : {}),
            regionCode: firstSource === 'enterprise' ? undefined : me.activeRegionCode,
            ...(ownCompany
              ? { requesterName: me.displayName, requesterPhone: me.phone ?? undefined }
              : {}),
          }}
          onValuesChange={(changed: Partial<Values>) => {
            if ('source' in changed) form.setFieldsValue({ categoryId: undefined });
          }}
          onFinish={(v) => void submit(v)}
          disabled={!!created}
        >
          <Form.Item label="来源" name="source" hidden={sources.length === 1}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={sources.map((s) => ({ value: s, label: ticketSourceLabels[s] }))}
              data-testid="ticket-source"
            />
          </Form.Item>
          <Form.Item
            label="类别"
            name="categoryId"
            rules={[{ required: true, message: '请选择类别' }]}
            extra={category && `办理时限：${ticketTimeLimitLabel(category.timeLimit)}`}
          >
            <Select
              placeholder="请选择类别"
              loading={categories.isLoading}
              options={categoryOptions(categories.data, [source], {
                activeOnly: true,
                withLimit: true,
              })}
              notFoundContent={categories.isError ? '类别加载失败' : '该来源暂无可用类别'}
              data-testid="ticket-category"
            />
          </Form.Item>
          {source === 'enterprise' && !ownCompany && (
            <Form.Item
              label="企业"
              name="enterpriseId"
              rules={[{ required: true, message: '请选择企业' }]}
            >
              <EnterpriseSelect />
            </Form.Item>
          )}
          {source === 'project' && (
            <Form.Item
              label="项目"
              name="projectId"
              rules={[{ required: true, message: '请选择项目' }]}
            >
              <ProjectSelect initial={preset} />
            </Form.Item>
          )}
          <Form.Item
            label="标题"
            name="title"
            rules={[
              { required: true, whitespace: true, message: '请填写标题' },
              zodRule(plainText(100)),
            ]}
          >
            <Input
              maxLength={100}
              showCount
              placeholder={source === 'grid' ? '如：XX小区3号楼下占道经营' : '一句话说明诉求'}
              data-testid="ticket-title-input"
            />
          </Form.Item>
          <Form.Item
            label={source === 'grid' ? '事件描述' : '诉求内容'}
            name="description"
            rules={[
              { required: true, whitespace: true, message: '请填写诉求内容' },
              zodRule(plainText(2000)),
            ]}
          >
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 10 }}
              maxLength={2000}
              showCount
              placeholder="现状、诉求和希望解决的时间"
              data-testid="ticket-description-input"
            />
          </Form.Item>
          <Form.Item
            label="所在区域"
            name="regionCode"
            extra={source === 'enterprise' ? '不选则为企业所在区域' : '可选到街道或网格'}
          >
            <RegionTreeSelect allowClear placeholder="请选择区域" data-testid="ticket-region" />
          </Form.Item>
          <Form.Item label="地址" name="address" rules={[zodRule(plainText(200))]}>
            <Input
              maxLength={200}
              placeholder="如：第九大街与经南八路交叉口东北角"
              data-testid="ticket-address"
            />
          </Form.Item>
          {source === 'grid' && (
            <Form.Item label="现场位置" name="location">
              <LocationField />
            </Form.Item>
          )}
          {(source === 'request' || source === 'enterprise') && (
            <Flex gap={12} wrap>
              <Form.Item
                label={source === 'enterprise' ? '联系人' : '诉求人'}
                name="requesterName"
                rules={[zodRule(plainName(40))]}
                style={{ flex: '1 1 200px' }}
              >
                <Input maxLength={40} data-testid="ticket-requester-name" />
              </Form.Item>
              <Form.Item
                label="联系电话"
                name="requesterPhone"
                rules={[zodRule(phone)]}
                style={{ flex: '1 1 200px' }}
              >
                <Input inputMode="tel" maxLength={20} data-testid="ticket-requester-phone" />
              </Form.Item>
            </Flex>
          )}
          <Form.Item
            label="现场照片"
            extra={source === 'grid' ? '建议拍摄现场全景和细节' : '可不传'}
          >
            <LocalPhotoPicker
              value={photos}
              onChange={setPhotos}
              max={MAX_TICKET_PHOTOS}
              disabled={!!created}
            />
          </Form.Item>
        </Form>
        {progress && <UploadProgressBar progress={progress} />}
        {created && progress && progress.failed.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 12 }}
            title={`工单${created.number}已登记，部分照片未上传`}
            description="可在工单详情中点击“添加照片”重新上传。"
            action={
              <Button onClick={() => void navigate(`/tickets/${created.id}`, { replace: true })}>
                查看工单
              </Button>
            }
          />
        )}
        <Flex gap={8} justify="flex-end" style={{ marginTop: 16 }}>
          <Button onClick={() => void navigate(-1)} disabled={busy}>
            取消
          </Button>
          <Button
            type="primary"
            loading={busy}
            disabled={!!created}
            onClick={() => form.submit()}
            block={!screens.sm}
            size={screens.sm ? 'middle' : 'large'}
            data-testid="ticket-submit"
          >
            提交
          </Button>
        </Flex>
      </Card>
    </>
  );
}
