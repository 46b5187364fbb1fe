import { useEffect, useRef, useState } from 'react';
import { Flex, Image, Spin, Upload } from 'antd';
import type { Attachment } from '@xiangmu/contracts';
import { errorText } from '../lib/api-client';
import { attachmentsApi, checkPhoto, photoUrl } from '../lib/photos';
import {
  PHOTO_TILE,
  PhotoAddTile,
  PhotoGrid,
  PhotoHintAndErrors,
  PhotoRemoveButton,
} from './PhotoParts';

/** Thumbnails that open large (with the others a swipe or an arrow away). */
export function PhotoThumbs({ photos, size = 56 }: { photos: Attachment[]; size?: number }) {
  if (!photos.length) return null;
  return (
    <PhotoGrid
      photos={photos.map((p) => ({ key: p.id, src: photoUrl(p.id), alt: p.filename }))}
      size={size}
      radius={4}
      gap={6}
      testId="photo-thumbs"
      itemTestId="photo-thumb"
    />
  );
}

interface Pending {
  uid: string;
  name: string;
  /** a local preview while it uploads */
  preview: string;
}

/**
 * Photos for a report or a 销号: each file is checked (JPEG/PNG/WebP, ≤ 10 MB)
 * and uploaded as soon as it is chosen, then shown as a thumbnail that opens
 * large and can be removed. `accept="image/*"` offers the camera on a phone.
 * Controlled: `value` is the uploaded photos; `onBusy` tells whether an
 * upload is still running (the form waits for it).
 */
export function PhotoUploader(props: {
  projectId: number;
  value: Attachment[];
  onChange: (photos: Attachment[]) => void;
  onBusy?: (busy: boolean) => void;
  max: number;
  disabled?: boolean;
  testId?: string;
}) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  // uploads finish one by one: add each to the latest value, not the one of the moment it started
  const latest = useRef(props.value);
  useEffect(() => {
    latest.current = props.value;
  }, [props.value]);
  const { onBusy } = props;
  useEffect(() => onBusy?.(pending.length > 0), [pending.length, onBusy]);

  const room = props.max - props.value.length - pending.length;

  async function start(file: File) {
    const check = checkPhoto(file);
    if (!check.ok) {
      setErrors((e) => [...e, check.message]);
      return;
    }
    const uid = `${Date.now()}-${Math.random()}`;
    const preview = URL.createObjectURL(file);
    setPending((p) => [...p, { uid, name: file.name, preview }]);
    try {
      const saved = await attachmentsApi.upload(props.projectId, file, check.contentType);
      latest.current = [...latest.current, saved];
      props.onChange(latest.current);
    } catch (e) {
      setErrors((list) => [...list, `“${file.name}”上传失败：${errorText(e)}`]);
    } finally {
      setPending((p) => p.filter((x) => x.uid !== uid));
      URL.revokeObjectURL(preview);
    }
  }

  const remove = (id: number) => {
    latest.current = latest.current.filter((p) => p.id !== id);
    props.onChange(latest.current);
  };

  return (
    <Flex vertical gap={6} data-testid={props.testId ?? 'photo-uploader'}>
      <Image.PreviewGroup>
        <Flex gap={8} wrap>
          {props.value.map((p) => (
            <div
              key={p.id}
              style={{ position: 'relative', width: PHOTO_TILE, height: PHOTO_TILE }}
              data-testid="photo-item"
            >
              <Image
                src={photoUrl(p.id)}
                alt={p.filename}
                width={PHOTO_TILE}
                height={PHOTO_TILE}
                style={{ objectFit: 'cover', borderRadius: 6 }}
              />
              {!props.disabled && (
                <PhotoRemoveButton
                  label={`删除照片 ${p.filename}`}
                  onClick={() => remove(p.id)}
                  testId="photo-remove"
                />
              )}
            </div>
          ))}
          {pending.map((p) => (
            <div
              key={p.uid}
              style={{
                width: PHOTO_TILE,
                height: PHOTO_TILE,
                borderRadius: 6,
                overflow: 'hidden',
                position: 'relative',
              }}
              data-testid="photo-uploading"
            >
              <img
                src={p.preview}
                alt={p.name}
                style={{ width: '100%', height: '100%', objectFit: 'cover', opacity: 0.5 }}
              />
              <Spin style={{ position: 'absolute', inset: 0, margin: 'auto', height: 20 }} />
            </div>
          ))}
          {!props.disabled && room > 0 && (
            <Upload
              accept="image/*"
              multiple
              showUploadList={false}
              beforeUpload={(file, list) => {
                // several chosen at once: only as many as there is room for
                const index = list.indexOf(file);
                if (index === 0) setErrors([]);
                if (index >= room) {
                  if (index === room)
                    setErrors((e) => [
                      ...e,
                      `最多${props.max}张照片，多选的${list.length - room}张未上传`,
                    ]);
                } else void start(file);
                return Upload.LIST_IGNORE;
              }}
            >
              <PhotoAddTile testId="photo-add" />
            </Upload>
          )}
        </Flex>
      </Image.PreviewGroup>
      <PhotoHintAndErrors max={props.max} errors={errors} errorTestId="photo-error" />
    </Flex>
  );
}
