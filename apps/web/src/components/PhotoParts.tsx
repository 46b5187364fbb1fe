import { Button, Flex, Image, Typography } from 'antd';
import { CameraOutlined, CloseOutlined, ExclamationCircleOutlined } from '@ant-design/icons';

/** Side of a photo tile in the pickers (px). */
export const PHOTO_TILE = 88;

/** Thumbnails that open large, the others a swipe or an arrow away. */
export function PhotoGrid(props: {
  photos: { key: number | string; src: string; alt: string }[];
  size: number;
  radius: number;
  gap: number;
  testId: string;
  itemTestId: string;
}) {
  return (
    <Image.PreviewGroup>
      <Flex gap={props.gap} wrap data-testid={props.testId}>
        {props.photos.map((p) => (
          <Image
            key={p.key}
            src={p.src}
            alt={p.alt}
            width={props.size}
            height={props.size}
            style={{ objectFit: 'cover', borderRadius: props.radius }}
            data-testid={props.itemTestId}
          />
        ))}
      </Flex>
    </Image.PreviewGroup>
  );
}

/** The dashed "拍照/选图" tile; put it inside an antd Upload. */
export function PhotoAddTile({ testId }: { testId: string }) {
  return (
    <button
      type="button"
      style={{
        width: PHOTO_TILE,
        height: PHOTO_TILE,
        border: '1px dashed #d9d9d9',
        borderRadius: 6,
        background: '#fafafa',
        cursor: 'pointer',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        gap: 4,
        color: 'rgba(0,0,0,0.65)',
      }}
      data-testid={testId}
    >
      <CameraOutlined style={{ fontSize: 22 }} />
      <span style={{ fontSize: 12 }}>拍照/选图</span>
    </button>
  );
}

/** The round ✕ on a tile's corner (the tile is `position: relative`). */
export function PhotoRemoveButton(props: { label: string; onClick: () => void; testId?: string }) {
  return (
    <Button
      size="small"
      shape="circle"
      danger
      icon={<CloseOutlined />}
      aria-label={props.label}
      onClick={props.onClick}
      style={{ position: 'absolute', top: -8, right: -8 }}
      data-testid={props.testId}
    />
  );
}

/** What may be chosen, then what went wrong with the last choice. */
export function PhotoHintAndErrors(props: { max: number; errors: string[]; errorTestId?: string }) {
  return (
    <>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        JPEG、PNG 或 WebP，每张不超过10MB，最多{props.max}张
      </Typography.Text>
      {props.errors.map((e, i) => (
        <Typography.Text
          key={i}
          type="danger"
          style={{ fontSize: 13 }}
          data-testid={props.errorTestId}
        >
          <ExclamationCircleOutlined /> {e}
        </Typography.Text>
      ))}
    </>
  );
}
