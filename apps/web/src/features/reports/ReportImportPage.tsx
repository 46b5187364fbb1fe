import { Button, DatePicker, Flex, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import { useMe } from '../../session';
import {
  ImportHelp,
  ImportPageHeader,
  useImportId,
} from '../../components/import-wizard/ImportPage';
import { ImportWizard } from '../../components/import-wizard/ImportWizard';
import { reportTexts } from '../../components/import-wizard/model';
import { reportsApi } from './api';
import { currentMonth, defaultReportMonth, isMonth, monthLabel, reportKeys } from './model';

/**
 * 导入月度调度: the import wizard for the districts' own monthly ledgers or
 * the template; the month chosen here is the default for rows without one.
 */
export default function ReportImportPage() {
  const me = useMe();
  const id = useImportId();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const rawMonth = params.get('month');
  const month = isMonth(rawMonth) && rawMonth <= currentMonth() ? rawMonth : defaultReportMonth();
  const reportsTo = `/reports?month=${month}`;

  const monthPicker = (
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
        文件中没有“月份”列时，所有行按此月份导入（下一步还可修改）
      </Typography.Text>
    </Flex>
  );

  return (
    <>
      <ImportPageHeader
        id={id}
        title="导入月度调度"
        description={`从 Excel 批量填报${me.activeRegionName}及下级区域重点项目的月度调度`}
        importTo={`/reports/import?month=${month}`}
        list={{ label: '月度调度', to: reportsTo }}
        back={{ label: '返回月度调度', testId: 'back-to-reports' }}
      />
      <ImportWizard
        kind="monthly_reports"
        api={{ ...reportsApi.imports, upload: (file) => reportsApi.imports.upload(file, month) }}
        texts={reportTexts}
        id={id}
        queryKey={reportKeys.imports(me.activeRegionCode)}
        writtenKey={reportKeys.all}
        path="/reports/import"
        search={`?month=${month}`}
        defaultMonth={month}
        uploadExtra={monthPicker}
        help={
          <ImportHelp
            templateLabel={`下载${monthLabel(month)}导入模板`}
            downloadTemplate={() => reportsApi.importTemplate(month)}
            notes={[
              `模板已列出${monthLabel(month)}尚未报送的应报项目，填写后上传即可。也可以直接上传区县自己的月度调度台账：允许有标题行、合并的多行表头和“合计”行；月份可写作 2026-10、2026年10月。`,
              '上传后会列出文件的每一列并自动匹配字段，请核对或修改；金额单位（默认万元）和月份也在这一步确认。项目名称须与项目库完全一致，同名项目分属不同区域时请填写“所属区域”。',
              '同一项目同一月份已有报告的，导入将修改该报告；已关闭的月份不能导入；截止日后首次报送的记为逾期填报。',
            ]}
            footnote="校验后先预览结果，确认后才写入：有效的行一次性全部写入，或全部不写。"
          />
        }
        doneActions={
          <Button
            type="primary"
            onClick={() => navigate(reportsTo)}
            data-testid="import-to-reports"
          >
            查看月度调度
          </Button>
        }
      />
    </>
  );
}
