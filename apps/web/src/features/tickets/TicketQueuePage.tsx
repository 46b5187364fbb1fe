import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Empty, Tabs } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router';
import {
  ticketQueueTabLabels,
  ticketQueueTabs,
  type Role,
  type TicketQueueTab,
} from '@xiangmu/contracts';
import { useMe } from '../../session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryState';
import { ticketsApi } from './api';
import { ticketKeys, TICKET_CREATORS } from './model';
import { TicketList } from './TicketList';

const PAGE_SIZE = 20;
const isTab = (v: string | null): v is TicketQueueTab =>
  v !== null && (ticketQueueTabs as readonly string[]).includes(v);

const emptyTexts: Record<TicketQueueTab, string> = {
  todo: '没有等您处理的工单，新的工单到来时会出现在这里',
  dueSoon: '没有即将到期的工单',
  overdue: '没有超期的工单',
  mine: '您还没有登记过工单，点击“登记工单”提交第一张',
  all: '没有未办结的工单',
};

const descriptions: Partial<Record<Role, string>> = {
  city_admin: '待受理、待派遣和已反馈待办结的工单；超期的标红，临期的标橙',
  district_admin: '待受理、待派遣和已反馈待办结的工单；超期的标红，临期的标橙',
  unit_officer: '派给本单位的工单：开始处置，办完后反馈办理结果；派错的可退回',
  leader: '您包联企业的诉求和您登记的工单',
  grid_worker: '您上报的网格事件：承办单位反馈后，现场核实再办结',
  enterprise: '本企业的诉求：承办单位反馈后请评价',
};

/** 我的待办: what waits for the caller, by tab, with counts. */
export default function TicketQueuePage() {
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const rawTab = params.get('tab');
  const tab: TicketQueueTab = isTab(rawTab) ? rawTab : 'todo';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const queue = useQuery({
    queryKey: ticketKeys.queue(me.activeRegionCode, tab, page),
    queryFn: () => ticketsApi.queue(tab, page, PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  const counts = queue.data?.counts;
  const setTab = (t: string) => setParams(t === 'todo' ? {} : { tab: t });

  return (
    <>
      <PageHeader
        title="我的待办"
        description={descriptions[me.role]}
        extra={
          TICKET_CREATORS.includes(me.role) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/tickets/new')}
              data-testid="ticket-new"
            >
              登记工单
            </Button>
          )
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          data-testid="ticket-queue-tabs"
          items={ticketQueueTabs.map((t) => ({
            key: t,
            label: (
              <span data-testid={`ticket-tab-${t}`}>
                {ticketQueueTabLabels[t]}{' '}
                <Badge
                  count={counts?.[t] ?? 0}
                  showZero
                  overflowCount={999}
                  color={t === 'overdue' ? 'red' : t === 'dueSoon' ? 'orange' : '#1677ff'}
                  data-testid={`ticket-count-${t}`}
                />
              </span>
            ),
          }))}
        />
        {queue.isError && <QueryError error={queue.error} onRetry={() => void queue.refetch()} />}
        <TicketList
          tickets={queue.data?.items ?? []}
          loading={queue.isFetching}
          empty={
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={queue.isError ? '数据加载失败' : emptyTexts[tab]}
              data-testid="ticket-queue-empty"
            />
          }
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: queue.data?.total ?? 0,
            onChange: (p) =>
              setParams(tab === 'todo' ? { page: String(p) } : { tab, page: String(p) }),
          }}
        />
      </Card>
    </>
  );
}
