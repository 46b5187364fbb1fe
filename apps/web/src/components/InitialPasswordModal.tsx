import { Alert, Button, Descriptions, Modal, Typography } from 'antd';

export interface IssuedPassword {
  title: string;
  username: string;
  displayName: string;
  password: string;
}

/** Shows a generated one-time password exactly once, with a copy button. */
export function InitialPasswordModal({
  issued,
  onClose,
}: {
  issued: IssuedPassword | null;
  onClose: () => void;
}) {
  return (
    <Modal
      open={!!issued}
      title={issued?.title}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
          我已记下，关闭
        </Button>
      }
      destroyOnHidden
    >
      {issued && (
        <>
          <Alert
            type="warning"
            showIcon
            title="初始密码只显示这一次"
            description="请立即通过安全渠道告知用户。用户首次登录时必须修改密码。"
            style={{ marginBottom: 16 }}
          />
          <Descriptions
            column={1}
            bordered
            size="small"
            items={[
              { key: 'u', label: '用户', children: `${issued.displayName}（${issued.username}）` },
              {
                key: 'p',
                label: '初始密码',
                children: (
                  <Typography.Text
                    code
                    copyable={{ text: issued.password, tooltips: ['复制', '已复制'] }}
                    style={{ fontSize: 16 }}
                    data-testid="initial-password"
                  >
                    {issued.password}
                  </Typography.Text>
                ),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
