import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { UserOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import dayjs from 'dayjs';
import type { Milestone } from '@xiangmu/contracts';
import { dueHint, statusColors } from './model';
import { DATE } from '../../lib/format';
import { MilestoneStatusTag } from './tags';

/** One node on a phone: what, when, who, and the actions allowed. */
export function MilestoneCard(props: {
  milestone: Milestone;
  /** show the project name as a link (lists across projects) */
  showProject?: boolean;
  actions?: ReactNode;
}) {
  const m = props.milestone;
  return (
    <Card
      size="small"
      data-testid="milestone-card"
      data-status={m.status}
      style={{ borderInlineStart: `4px solid ${statusColors[m.status]}` }}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong style={{ fontSize: 15 }}>
            {m.name}
          </Typography.Text>
          {props.showProject && (
            <Link to={`/projects/${m.projectId}`} data-testid="milestone-project-link">
              {m.projectName}
            </Link>
          )}
        </Flex>
        <MilestoneStatusTag status={m.status} />
      </Flex>
      <Flex gap={12} wrap style={{ marginTop: 6, fontSize: 13 }}>
        <span>
          截止 <Typography.Text strong>{m.dueOn}</Typography.Text>
        </span>
        <Typography.Text type={m.status === 'red' ? 'danger' : 'secondary'}>
          {dueHint(m, dayjs().format(DATE))}
        </Typography.Text>
        <span>
          <UserOutlined /> {m.ownerName}
        </span>
      </Flex>
      {m.status === 'done' && m.evidence && (
        <Typography.Paragraph
          type="secondary"
          style={{ margin: '6px 0 0', fontSize: 13 }}
          ellipsis={{ rows: 2, expandable: true, symbol: '展开' }}
        >
          依据：{m.evidence}
        </Typography.Paragraph>
      )}
      {props.actions && (
        <Flex gap={8} wrap justify="flex-end" style={{ marginTop: 8 }}>
          {props.actions}
        </Flex>
      )}
    </Card>
  );
}
