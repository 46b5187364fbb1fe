import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { CategoriesPanel } from './CategoriesPanel';
import { Open311Panel } from './Open311Panel';

/** 工单设置: categories with time limits, and the Open311 clients. */
export default function TicketSettingsPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'open311' ? 'open311' : 'categories';
  return (
    <>
      <PageHeader title="工单设置" description="工单类别与办理时限；外部系统 Open311 接入" />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'categories' ? {} : { tab: k })}
          items={[
            { key: 'categories', label: '工单类别', children: <CategoriesPanel /> },
            { key: 'open311', label: 'Open311 接入', children: <Open311Panel /> },
          ]}
        />
      </Card>
    </>
  );
}
