import { Card, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { importStatusLabels, type ProjectImport } from '@xiangmu/contracts';
import { QueryError } from '../QueryState';
import { formatDateTime } from '../../lib/format';
import { statusColors, type ImportTexts } from './model';

/** 最近的导入: each links back into the wizard at the step it stopped at. */
export function RecentImports(props: {
  imports: ProjectImport[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  current: number | null;
  link: (id: number) => string;
  texts: ImportTexts;
}) {
  const { imports, texts } = props;
  return (
    <Card title="最近的导入" size="small" data-testid="import-recent">
      {props.error ? <QueryError error={props.error} onRetry={props.onRetry} /> : null}
      {props.loading && <Spin style={{ display: 'block', margin: '16px auto' }} />}
      {imports && imports.length === 0 && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="还没有导入记录" />
      )}
      <Flex vertical>
        {(imports ?? []).map((i, n) => (
          <Flex
            key={i.id}
            justify="space-between"
            align="center"
            wrap
            gap={8}
            data-testid="import-recent-item"
            style={{
              padding: '10px 4px',
              borderTop: n ? '1px solid rgba(5,5,5,0.06)' : undefined,
              background: i.id === props.current ? 'rgba(22,119,255,0.06)' : undefined,
            }}
          >
            <Flex vertical style={{ minWidth: 0 }}>
              <Link to={props.link(i.id)} style={{ wordBreak: 'break-all' }}>
                {i.filename}
              </Link>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.actorName} · {formatDateTime(i.createdAt)}
              </Typography.Text>
            </Flex>
            <Flex gap={8} align="center" wrap>
              {(i.status === 'validated' || i.status === 'applied') && (
                <Typography.Text style={{ fontSize: 13 }}>
                  {texts.create} {i.createRows} / 修改 {i.updateRows} / 无变化 {i.unchangedRows}
                  {i.rejectedRows ? ` / 有问题 ${i.rejectedRows}行` : ''}
                </Typography.Text>
              )}
              {i.status === 'mapping' && i.id !== props.current && (
                <Link to={props.link(i.id)} style={{ fontSize: 13 }}>
                  继续确认列映射
                </Link>
              )}
              <Tag color={statusColors[i.status]} style={{ marginInlineEnd: 0 }}>
                {importStatusLabels[i.status]}
              </Tag>
            </Flex>
          </Flex>
        ))}
      </Flex>
    </Card>
  );
}
