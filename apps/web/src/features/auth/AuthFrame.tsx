import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';

/** The centred card of the login and forced password-change pages. */
export function AuthFrame({ children, subtitle }: { children: ReactNode; subtitle: string }) {
  return (
    <div className="auth-page">
      <Card className="auth-card" styles={{ body: { padding: '32px 28px' } }}>
        <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <Typography.Title level={3} style={{ margin: '8px 0 0' }}>
            项目为王
          </Typography.Title>
          <Typography.Text type="secondary">{subtitle}</Typography.Text>
        </Flex>
        {children}
      </Card>
    </div>
  );
}
