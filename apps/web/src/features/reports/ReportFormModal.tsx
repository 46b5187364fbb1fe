import { useCallback, useRef, useState } from 'react';
import { Alert, App, Descriptions, Form, Grid, Input, Modal, Select, Typography } from 'antd';
import { plainText, reportDeadline, type Attachment, type MonthlyReport } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { errorText, isApiError } from '../../lib/api-client';
import { applyFieldIssues, zodRule } from '../../lib/forms';
import { reportsApi } from './api';
import { formatWan, monthLabel, PHOTO_LIMIT, wanInputProblem, wanInputValue } from './model';
import { PhotoUploader } from '../../components/Photos';
import { VersionConflictModal } from '../../components/VersionConflictModal';
import {
  reportConflictRows,
  reportFieldsOf,
  sameField,
  type ReportConflict,
  type ReportFields,
} from './conflict';
import { closedExplanation } from './tags';

interface Values {
  month?: string;
  invested?: string;
  progress?: string;
  problems?: string;
}

export type ReportFormMode =
  | { kind: 'new'; months: string[]; month?: string | undefined }
  | { kind: 'edit'; report: MonthlyReport };

/** What the year looks like so far, shown above the form (万元). */
export interface YearContext {
  annualPlan: string;
  planYear: number;
  yearInvested: string;
  completion: string | null;
}

const today = () => new Date();
const lateIfNow = (month: string) =>
  new Date(today().getTime() + 8 * 3600_000).toISOString().slice(0, 10) > reportDeadline(month);

/**
 * 填报本月 / 修改: the month (only those still open and not yet reported),
 * the month's investment in 万元, 形象进度, problems and photos. Edits carry
 * the version; a newer one opens the conflict dialog. A month closed
 * meanwhile is refused with the reason.
 */
export function ReportFormModal(props: {
  project: { id: number; name: string };
  mode: ReportFormMode;
  year?: YearContext | undefined;
  onClose: () => void;
  onSaved: (r: MonthlyReport) => void;
}) {
  const me = useMe();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.sm;
  const editing = props.mode.kind === 'edit' ? props.mode.report : null;
  const [form] = Form.useForm<Values>();
  const [base, setBase] = useState<MonthlyReport | null>(editing);
  const [photos, setPhotos] = useState<Attachment[]>(editing?.photos ?? []);
  const [uploading, setUploading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ title: string; closed?: boolean } | null>(null);
  const [conflict, setConflict] = useState<ReportConflict | null>(null);
  const submitting = useRef(false);
  const onBusy = useCallback((b: boolean) => setUploading(b), []);

  const months = props.mode.kind === 'new' ? props.mode.months : [];
  const initialMonth =
    props.mode.kind === 'new'
      ? props.mode.month && months.includes(props.mode.month)
        ? props.mode.month
        : months[0]
      : editing?.month;
  const month = Form.useWatch('month', form) ?? initialMonth;

  const initialValues: Values = editing
    ? {
        month: editing.month,
        invested: editing.invested,
        progress: editing.progress,
        problems: editing.problems,
      }
    : { month: initialMonth };

  const fieldsOf = (v: Values): ReportFields => ({
    invested: wanInputValue(v.invested) ?? '',
    progress: (v.progress ?? '').trim(),
    problems: (v.problems ?? '').trim(),
    photoIds: photos.map((p) => p.id),
  });

  async function submit(v: Values) {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    const mine = fieldsOf(v);
    try {
      const saved = base
        ? await reportsApi.update(base.id, {
            version: base.version,
            invested: mine.invested,
            progress: mine.progress,
            problems: mine.problems,
            photoIds: mine.photoIds,
          })
        : await reportsApi.submit(props.project.id, {
            month: v.month!,
            invested: mine.invested,
            progress: mine.progress,
            ...(mine.problems ? { problems: mine.problems } : {}),
            ...(mine.photoIds.length ? { photoIds: mine.photoIds } : {}),
          });
      message.success(
        base
          ? `已保存${monthLabel(saved.month)}的调度报告`
          : `已填报${monthLabel(saved.month)}的调度报告${saved.late ? '（逾期填报）' : ''}`,
      );
      props.onSaved(saved);
      props.onClose();
    } catch (e) {
      if (base && isApiError(e, 'VERSION_CONFLICT') && e.current) {
        const current = e.current as MonthlyReport;
        if (current.closed) setError({ title: closedExplanation(current.month), closed: true });
        else setConflict({ had: base, current, mine });
      } else if (isApiError(e, 'REPORT_MONTH_CLOSED')) {
        const m = base?.month ?? v.month;
        setError({ title: m ? closedExplanation(m) : errorText(e), closed: true });
      } else if (isApiError(e, 'REPORT_EXISTS')) {
        setError({
          title: `${v.month ? monthLabel(v.month) : '该月'}已有人填报，请关闭后在列表中修改已有的报告`,
        });
      } else {
        applyFieldIssues(form, e);
        setError({ title: errorText(e) });
      }
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  }

  const y = props.year;
  const title = editing ? `修改${monthLabel(editing.month)}调度报告` : '填报月度调度';

  return (
    <>
      <Modal
        open
        title={title}
        okText={editing ? '保存' : '提交'}
        onOk={() => form.submit()}
        onCancel={props.onClose}
        confirmLoading={busy}
        okButtonProps={{ disabled: uploading || error?.closed === true }}
        width={640}
        style={phone ? { top: 8, maxWidth: 'calc(100vw - 16px)' } : undefined}
        mask={{ closable: false }}
        destroyOnHidden
        data-testid="report-form-modal"
      >
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 12 }}
          items={[
            { key: 'p', label: '项目', children: props.project.name },
            ...(y
              ? [
                  {
                    key: 'y',
                    label: `${y.planYear}年计划`,
                    children: (
                      <span>
                        {formatWan(y.annualPlan)}，已报累计 {formatWan(y.yearInvested)}
                        {y.completion !== null && `（完成 ${y.completion}%）`}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {error && (
          <Alert
            type="error"
            showIcon
            title={error.title}
            style={{ marginBottom: 16 }}
            data-testid="report-form-error"
          />
        )}
        <Form
          form={form}
          name="monthly-report"
          layout="vertical"
          initialValues={initialValues}
          onFinish={(v) => void submit(v)}
          disabled={error?.closed === true}
        >
          <Form.Item
            label="月份"
            name="month"
            rules={[{ required: true, message: '请选择月份' }]}
            extra={
              month && !editing
                ? lateIfNow(month)
                  ? `按时报送截止 ${reportDeadline(month)}，现在提交将记为逾期填报`
                  : `按时报送截止 ${reportDeadline(month)}`
                : undefined
            }
          >
            <Select
              disabled={!!editing}
              options={(editing ? [editing.month] : months).map((m) => ({
                value: m,
                label: monthLabel(m),
              }))}
              notFoundContent="没有可填报的月份"
              data-testid="report-month"
            />
          </Form.Item>
          <Form.Item
            label="本月完成投资（万元）"
            name="invested"
            rules={[
              { required: true, whitespace: true, message: '请填写本月完成投资（没有投资请填 0）' },
              {
                validator: async (_r, v: string | undefined) => {
                  const problem = wanInputProblem(v);
                  if (problem) throw new Error(problem);
                },
              },
            ]}
          >
            <Input
              inputMode="decimal"
              suffix="万元"
              placeholder="如 1250.5"
              maxLength={20}
              autoComplete="off"
              data-testid="report-invested"
            />
          </Form.Item>
          <Form.Item
            label="形象进度"
            name="progress"
            rules={[
              { required: true, whitespace: true, message: '请填写形象进度' },
              zodRule(plainText(2000)),
            ]}
          >
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={2000}
              showCount
              placeholder="如：1号厂房主体封顶，2号厂房钢结构吊装完成60%"
              data-testid="report-progress"
            />
          </Form.Item>
          <Form.Item label="存在问题" name="problems" rules={[zodRule(plainText(2000))]}>
            <Input.TextArea
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={2000}
              showCount
              placeholder={
                me.role === 'enterprise'
                  ? '没有可不填；需要政府部门协调解决的，请写明事项'
                  : '没有可不填；需要责任单位跟进解决的，请在问题台账中“提出问题”'
              }
              data-testid="report-problems"
            />
          </Form.Item>
          <Form.Item label="现场照片">
            <PhotoUploader
              projectId={props.project.id}
              value={photos}
              onChange={setPhotos}
              onBusy={onBusy}
              max={PHOTO_LIMIT}
              disabled={error?.closed === true}
              testId="report-photos"
            />
          </Form.Item>
        </Form>
        {uploading && (
          <Typography.Text type="secondary">照片上传中，完成后即可提交…</Typography.Text>
        )}
      </Modal>
      <VersionConflictModal
        rows={conflict && reportConflictRows(conflict)}
        subject="报告"
        thisSubject="这份报告"
        savedAt={conflict?.current.updatedAt}
        savedBy={conflict?.current.reporterName}
        testIdPrefix="report-conflict"
        onCancel={() => setConflict(null)}
        onTakeTheirs={() => {
          const current = conflict!.current;
          setBase(current);
          setPhotos(current.photos);
          form.setFieldsValue({
            invested: current.invested,
            progress: current.progress,
            problems: current.problems,
          });
          setConflict(null);
          props.onSaved(current);
        }}
        onKeepMine={() => {
          // what the user changed stays; everything else becomes the saved version
          const { had, current, mine } = conflict!;
          const before = reportFieldsOf(had);
          const keep = (k: keyof ReportFields) => !sameField(k, before, mine);
          form.setFieldsValue({
            ...(keep('invested') ? {} : { invested: current.invested }),
            ...(keep('progress') ? {} : { progress: current.progress }),
            ...(keep('problems') ? {} : { problems: current.problems }),
          });
          if (!keep('photoIds')) setPhotos(current.photos);
          setBase(current);
          setConflict(null);
          props.onSaved(current);
        }}
      />
    </>
  );
}
