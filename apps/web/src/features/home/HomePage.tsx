import { Card, Col, Descriptions, Empty, Row, Tag, Typography } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { roleLabels } from '@xiangmu/contracts';
import { Link } from 'react-router';
import { mayOpen, pages, useMe } from '../../session';

function greeting(hour: number): string {
  if (hour < 6) return '夜深了';
  if (hour < 12) return '上午好';
  if (hour < 14) return '中午好';
  if (hour < 18) return '下午好';
  return '晚上好';
}

export default function HomePage() {
  const me = useMe();
  const switched = me.activeRegionCode !== me.regionCode;
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card data-testid="welcome-card">
          <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="welcome-title">
            {greeting(new Date().getHours())}，{me.displayName}
          </Typography.Title>
          <Descriptions
            column={{ xs: 1, sm: 2, lg: 4 }}
            size="small"
            items={[
              {
                key: 'role',
                label: '角色',
                children: <Tag color="blue">{roleLabels[me.role]}</Tag>,
              },
              {
                key: 'active',
                label: '当前区域',
                children: (
                  <span data-testid="home-active-region">
                    <EnvironmentOutlined /> {me.activeRegionName}
                  </span>
                ),
              },
              {
                key: 'home',
                label: '所属区域',
                children: switched ? me.regionName : `${me.regionName}（本级）`,
              },
              ...(me.departmentName
                ? [{ key: 'dept', label: '所属部门', children: me.departmentName }]
                : []),
            ]}
          />
          {switched && (
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
              您正在查看{me.activeRegionName}的数据，可在页面右上角的区域选择中切换回{me.regionName}
              。
            </Typography.Paragraph>
          )}
        </Card>
      </Col>
      <Col span={24}>
        <Card title="业务概览">
          <Empty
            data-testid="home-empty"
            description={
              <>
                <Typography.Paragraph style={{ marginBottom: 4 }}>
                  暂无业务数据
                </Typography.Paragraph>
                <Typography.Text type="secondary">
                  “三个一批”、招商引资、服务工单和数据驾驶舱尚未上线，上线后将在此显示本区域的项目与指标概览。
                </Typography.Text>
                {mayOpen(pages.projects, me.role) && (
                  <div style={{ marginTop: 12 }}>
                    <Link to={pages.projects.path} data-testid="home-projects-link">
                      进入重点项目库 →
                    </Link>
                  </div>
                )}
              </>
            }
          />
        </Card>
      </Col>
    </Row>
  );
}
