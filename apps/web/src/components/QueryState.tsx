import { Alert, Button, Empty } from 'antd';
import { errorText } from '../lib/api-client';

/** The error state of a list: the server's Chinese message and a retry button. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      data-testid="query-error"
      title="加载失败"
      description={errorText(error)}
      action={
        <Button size="small" onClick={onRetry}>
          重试
        </Button>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/** Table `locale` whose empty text says what is missing (or that loading failed). */
export const emptyLocale = (text: string, failed = false) => ({
  emptyText: (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={failed ? '数据加载失败' : text} />
  ),
});
