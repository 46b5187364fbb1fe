import { useState } from 'react';
import { App, Button, Upload } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import type { TicketDetail } from '@xiangmu/contracts';
import { useMe } from '../../session';
import { isOpenStatus } from './model';
import { MAX_TICKET_PHOTOS, uploadTicketPhotos, type UploadProgress } from './TicketPhotos';

/** 添加照片 to an open ticket (anyone in the loop, e.g. the unit's result on site). */
export function AddPhotos(props: { ticket: TicketDetail; onAdded: () => void }) {
  const me = useMe();
  const { message } = App.useApp();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const room = MAX_TICKET_PHOTOS - props.ticket.photos.length;
  if (me.role === 'viewer' || !isOpenStatus(props.ticket.status) || room <= 0) return null;

  async function send(files: File[]) {
    const result = await uploadTicketPhotos(props.ticket.id, files.slice(0, room), setProgress);
    setProgress(null);
    props.onAdded();
    if (files.length > room)
      message.warning(`每张工单最多${MAX_TICKET_PHOTOS}张照片，多选的未上传`);
    if (result.failed.length) message.error(`照片上传失败：${result.failed.join('；')}`);
    else message.success(`已上传${result.done}张照片`);
  }

  return (
    <Upload
      accept="image/*"
      multiple
      showUploadList={false}
      disabled={!!progress}
      beforeUpload={(file, list) => {
        if (list.indexOf(file) === list.length - 1) void send(list);
        return Upload.LIST_IGNORE;
      }}
    >
      <Button
        size="small"
        icon={<CameraOutlined />}
        loading={!!progress}
        data-testid="ticket-add-photos"
      >
        {progress ? `上传中 ${progress.done}/${progress.total}` : '添加照片'}
      </Button>
    </Upload>
  );
}
