import type { ThemeConfig } from 'antd';

/** A sober government blue, Chinese UI fonts first. */
export const appTheme: ThemeConfig = {
  token: {
    colorPrimary: '#1554ad',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerHeight: 56, headerPadding: '0 20px', bodyBg: '#f4f6f9' },
  },
};
