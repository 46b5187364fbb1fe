import { Card, Col, Descriptions, Row, Tag, Typography } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { roleLabels } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { Workbench } from './Workbench';

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
        <Workbench />
      </Col>
    </Row>
  );
}
