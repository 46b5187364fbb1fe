import { useEffect, useMemo, useState } from 'react';
import { Flex, Progress, Typography, Upload } from 'antd';
import type { TicketPhoto } from '@xiangmu/contracts';
import {
  PHOTO_TILE,
  PhotoAddTile,
  PhotoGrid,
  PhotoHintAndErrors,
  PhotoRemoveButton,
} from '../../components/PhotoParts';
import { errorText } from '../../lib/api-client';
import { checkPhoto } from '../../lib/photos';
import { ticketPhotoUrl, ticketsApi } from './api';

/** the server keeps at most 9 photos a ticket */
export const MAX_TICKET_PHOTOS = 9;

/** Thumbnails that open large (the others a swipe away). */
export function TicketPhotoThumbs(props: { ticketId: number; photos: TicketPhoto[] }) {
  if (!props.photos.length) return <Typography.Text type="secondary">没有现场照片</Typography.Text>;
  return (
    <PhotoGrid
      photos={props.photos.map((p) => ({
        key: p.id,
        src: ticketPhotoUrl(props.ticketId, p.id),
        alt: p.filename,
      }))}
      size={PHOTO_TILE}
      radius={6}
      gap={8}
      testId="ticket-photos"
      itemTestId="ticket-photo"
    />
  );
}

/**
 * Photos chosen on the device, kept locally until the ticket exists (then
 * sent by uploadTicketPhotos). Each is checked first (JPEG/PNG/WebP ≤ 10 MB);
 * `accept="image/*"` offers the camera on a phone.
 */
export function LocalPhotoPicker(props: {
  value: File[];
  onChange: (files: File[]) => void;
  max: number;
  disabled?: boolean;
}) {
  const [errors, setErrors] = useState<string[]>([]);
  const previews = useMemo(() => props.value.map((f) => URL.createObjectURL(f)), [props.value]);
  useEffect(() => () => previews.forEach((u) => URL.revokeObjectURL(u)), [previews]);
  const room = props.max - props.value.length;

  return (
    <Flex vertical gap={6} data-testid="ticket-photo-picker">
      <Flex gap={8} wrap>
        {props.value.map((f, i) => (
          <div
            key={`${f.name}-${i}`}
            style={{ position: 'relative', width: PHOTO_TILE, height: PHOTO_TILE }}
          >
            <img
              src={previews[i]}
              alt={f.name}
              style={{ width: PHOTO_TILE, height: PHOTO_TILE, objectFit: 'cover', borderRadius: 6 }}
              data-testid="ticket-photo-chosen"
            />
            {!props.disabled && (
              <PhotoRemoveButton
                label={`移除照片 ${f.name}`}
                onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}
              />
            )}
          </div>
        ))}
        {!props.disabled && room > 0 && (
          <Upload
            accept="image/*"
            multiple
            showUploadList={false}
            beforeUpload={(file, list) => {
              // several chosen at once: take what is valid and fits, in one change
              if (list.indexOf(file) !== list.length - 1) return Upload.LIST_IGNORE;
              const problems: string[] = [];
              const ok = list.filter((f) => {
                const c = checkPhoto(f);
                if (!c.ok) problems.push(c.message);
                return c.ok;
              });
              if (ok.length > room)
                problems.push(`最多${props.max}张照片，多选的${ok.length - room}张未添加`);
              setErrors(problems);
              props.onChange([...props.value, ...ok.slice(0, room)]);
              return Upload.LIST_IGNORE;
            }}
          >
            <PhotoAddTile testId="ticket-photo-add" />
          </Upload>
        )}
      </Flex>
      <PhotoHintAndErrors max={props.max} errors={errors} />
    </Flex>
  );
}

export interface UploadProgress {
  done: number;
  total: number;
  failed: string[];
}

/** Sends the photos one by one, reporting progress; failures are listed, not thrown. */
export async function uploadTicketPhotos(
  ticketId: number,
  files: File[],
  onProgress: (p: UploadProgress) => void,
): Promise<UploadProgress> {
  const progress: UploadProgress = { done: 0, total: files.length, failed: [] };
  onProgress({ ...progress });
  for (const file of files) {
    const check = checkPhoto(file);
    try {
      if (!check.ok) throw new Error(check.message);
      await ticketsApi.uploadPhoto(ticketId, file, file.name, check.contentType);
    } catch (e) {
      progress.failed.push(
        `“${file.name}”：${e instanceof Error && !check.ok ? e.message : errorText(e)}`,
      );
    }
    progress.done += 1;
    onProgress({ ...progress, failed: [...progress.failed] });
  }
  return progress;
}

export function UploadProgressBar({ progress }: { progress: UploadProgress }) {
  const percent = progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Flex vertical gap={4} data-testid="ticket-photo-progress">
      <Typography.Text>
        正在上传照片 {progress.done}/{progress.total}
      </Typography.Text>
      <Progress
        percent={percent}
        status={progress.failed.length ? 'exception' : percent === 100 ? 'success' : 'active'}
      />
      {progress.failed.map((f) => (
        <Typography.Text key={f} type="danger" style={{ fontSize: 13 }}>
          上传失败 {f}
        </Typography.Text>
      ))}
    </Flex>
  );
}
