import { useState, type ReactNode } from 'react';
import { App, Breadcrumb, Button, Card, Flex, Typography } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { errorText, saveBlob } from '../../lib/api-client';
import { PageHeader } from '../PageHeader';

/** The import shown by the route (`…/import/:id`), or null for the upload step. */
export function useImportId(): number | null {
  const { id } = useParams();
  return id !== undefined && /^\d+$/.test(id) ? Number(id) : null;
}

/**
 * The top of an import page: 列表 › 导入 › 导入记录 #id, the title and the way
 * back to the list.
 */
export function ImportPageHeader(props: {
  id: number | null;
  title: string;
  description: string;
  /** the upload step's address (the breadcrumb's link from one import) */
  importTo: string;
  list: { label: string; to: string };
  back: { label: string; testId: string };
}) {
  const navigate = useNavigate();
  const { id, title } = props;
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to={props.list.to}>{props.list.label}</Link> },
          id === null ? { title } : { title: <Link to={props.importTo}>{title}</Link> },
          ...(id === null ? [] : [{ title: `导入记录 #${id}` }]),
        ]}
      />
      <PageHeader
        title={title}
        description={props.description}
        extra={
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() => navigate(props.list.to)}
            data-testid={props.back.testId}
          >
            {props.back.label}
          </Button>
        }
      />
    </>
  );
}

/** 导入说明 beside the upload step: the template to download, then the notes. */
export function ImportHelp(props: {
  templateLabel: string;
  downloadTemplate: () => Promise<{ blob: Blob; filename: string }>;
  notes: readonly string[];
  /** the last note, in grey */
  footnote: string;
}) {
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);

  async function download() {
    setDownloading(true);
    try {
      const { blob, filename } = await props.downloadTemplate();
      saveBlob(blob, filename);
    } catch (e) {
      message.error(`下载失败：${errorText(e)}`);
    } finally {
      setDownloading(false);
    }
  }

  const note = (text: ReactNode, key: number, secondary = false) => (
    <Typography.Paragraph
      key={key}
      type={secondary ? 'secondary' : undefined}
      style={{ marginBottom: 0 }}
    >
      {text}
    </Typography.Paragraph>
  );
  return (
    <Card title="导入说明" size="small">
      <Flex vertical gap={8}>
        <Button
          icon={<DownloadOutlined />}
          loading={downloading}
          onClick={() => void download()}
          data-testid="import-template"
          style={{ alignSelf: 'flex-start' }}
        >
          {props.templateLabel}
        </Button>
        {props.notes.map((n, i) => note(n, i))}
        {note(props.footnote, props.notes.length, true)}
      </Flex>
    </Card>
  );
}
