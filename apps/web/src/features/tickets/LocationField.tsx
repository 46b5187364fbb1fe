import { useState } from 'react';
import { Button, Flex, Typography } from 'antd';
import { AimOutlined } from '@ant-design/icons';

export interface LngLat {
  lng: number;
  lat: number;
}

/** the server takes points inside China's bounding box only */
const inChina = (p: LngLat) => p.lng >= 73 && p.lng <= 136 && p.lat >= 3 && p.lat <= 54;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

const refusals: Record<number, string> = {
  1: '未获得定位权限：请在浏览器或系统设置中允许定位，或直接填写地址',
  2: '暂时无法获取位置，请到开阔处重试，或直接填写地址',
  3: '定位超时，请重试，或直接填写地址',
};

/**
 * 获取当前位置 from the device (navigator.geolocation, WGS-84). Refusal,
 * timeouts and insecure pages (geolocation needs HTTPS) are told in Chinese;
 * the address field stays the fallback. Form-compatible.
 */
export function LocationField(props: {
  value?: LngLat;
  onChange?: (v: LngLat | undefined) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  function locate() {
    setProblem(null);
    if (!window.isSecureContext || !('geolocation' in navigator)) {
      setProblem('当前页面无法定位（需通过 HTTPS 访问），请直接填写地址');
      return;
    }
    setBusy(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setBusy(false);
        const p = { lng: round(pos.coords.longitude), lat: round(pos.coords.latitude) };
        if (!inChina(p)) {
          setProblem('获取到的位置不在国内，未采用，请直接填写地址');
          return;
        }
        props.onChange?.(p);
      },
      (err) => {
        setBusy(false);
        setProblem(refusals[err.code] ?? '无法获取位置，请直接填写地址');
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  return (
    <Flex vertical gap={4}>
      <Flex gap={8} wrap align="center">
        <Button icon={<AimOutlined />} loading={busy} onClick={locate} data-testid="ticket-locate">
          {props.value ? '重新定位' : '获取当前位置'}
        </Button>
        {props.value && (
          <>
            <Typography.Text data-testid="ticket-location">
              经度 {props.value.lng.toFixed(6)}，纬度 {props.value.lat.toFixed(6)}
            </Typography.Text>
            <Button type="link" size="small" onClick={() => props.onChange?.(undefined)}>
              清除
            </Button>
          </>
        )}
      </Flex>
      {problem && (
        <Typography.Text type="warning" data-testid="ticket-location-problem">
          {problem}
        </Typography.Text>
      )}
    </Flex>
  );
}
