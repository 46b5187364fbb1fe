import { Button } from 'antd';
import { useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useMe } from '../../session';
import { campaignsKey } from '../campaigns';
import {
  ImportHelp,
  ImportPageHeader,
  useImportId,
} from '../../components/import-wizard/ImportPage';
import { ImportWizard } from '../../components/import-wizard/ImportWizard';
import { projectTexts } from '../../components/import-wizard/model';
import { api } from '../../lib/api-client';

/** the lists an applied import changes (and this import's own queries below them) */
const WRITTEN_KEY = ['projects'] as const;

/** 项目导入: the import wizard for project ledgers (the template or a district's own). */
export default function ProjectImportPage() {
  const me = useMe();
  const id = useImportId();
  const campaigns = useQuery({
    queryKey: campaignsKey(me.activeRegionCode),
    queryFn: api.campaigns.list,
    staleTime: 60_000,
  });
  const navigate = useNavigate();

  return (
    <>
      <ImportPageHeader
        id={id}
        title="项目导入"
        description={`从 Excel 批量新增或更新${me.activeRegionName}及下级区域的重点项目`}
        importTo="/projects/import"
        list={{ label: '项目库', to: '/projects' }}
        back={{ label: '返回项目库', testId: 'back-to-projects' }}
      />
      <ImportWizard
        kind="projects"
        api={api.projects.imports}
        texts={projectTexts}
        id={id}
        queryKey={['projects', me.activeRegionCode, 'imports']}
        campaigns={{ list: campaigns.data, loading: campaigns.isLoading }}
        writtenKey={WRITTEN_KEY}
        path="/projects/import"
        help={
          <ImportHelp
            templateLabel="下载导入模板"
            downloadTemplate={api.projects.importTemplate}
            notes={[
              '可以使用导入模板，也可以直接上传现有的项目台账：允许有标题行、合并的多行表头和“合计”行；日期可写作 2023.03、2023年3月、2023-03-15 等。',
              '上传后会列出文件的每一列，并自动匹配对应的字段，请核对或修改；金额单位、计划年度和“三个一批”期次也在这一步确认。',
              '所属区域与项目名称都相同的已有项目会被更新，其余为新增项目；缺少统一社会信用代码的项目标记为“待补充”。已有项目的阶段变更不会导入，请在项目详情中变更。',
            ]}
            footnote="校验后先预览结果，确认后才写入项目库。"
          />
        }
        doneActions={
          <Button type="primary" onClick={() => navigate('/projects')}>
            返回项目库
          </Button>
        }
      />
    </>
  );
}
