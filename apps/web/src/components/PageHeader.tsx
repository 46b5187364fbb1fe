import type { ReactNode } from 'react';
import { Flex, Typography } from 'antd';

/** Title line of a page with optional description and actions; wraps on narrow screens. */
export function PageHeader(props: { title: string; description?: ReactNode; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
      <div style={{ minWidth: 0 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        {props.description && (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
            {props.description}
          </Typography.Text>
        )}
      </div>
      {props.extra && (
        <Flex gap={8} wrap>
          {props.extra}
        </Flex>
      )}
    </Flex>
  );
}
