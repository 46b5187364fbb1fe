import { Suspense, useState } from 'react';
import { Button, Drawer, Flex, Grid, Layout, Menu, Spin, Typography, theme } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useMe } from '../session';
import {
  menuItemsFor,
  PROJECTS_MENU_KEY,
  selectedMenuKey,
  SYSTEM_MENU_KEY,
  TICKETS_MENU_KEY,
} from './nav';
import { NavigationProgress, type PendingNavigation } from './NavigationProgress';
import { RegionSwitcher } from './RegionSwitcher';
import { UserMenu } from './UserMenu';

const { Header, Sider, Content } = Layout;

function Brand({ compact }: { compact: boolean }) {
  return (
    <Flex align="center" gap={8} style={{ minWidth: 0 }}>
      <img src="/favicon.svg" alt="" width={28} height={28} style={{ flex: 'none' }} />
      <Typography.Text strong style={{ fontSize: 18, whiteSpace: 'nowrap' }} data-testid="brand">
        项目为王
      </Typography.Text>
      {!compact && (
        <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
          重点项目管理平台
        </Typography.Text>
      )}
    </Flex>
  );
}

/**
 * The signed-in shell: header (brand, region switcher, user menu) and the
 * navigation — a collapsible Sider on wide screens, a Drawer on phones.
 */
export function AppLayout() {
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.lg;
  const narrow = !screens.sm;
  const { token } = theme.useToken();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  /** the menu item clicked, pending until its page is shown */
  const [menuClick, setMenuClick] = useState<PendingNavigation | null>(null);
  const [shownKey, setShownKey] = useState(location.key);
  if (shownKey !== location.key) {
    setShownKey(location.key);
    setMenuClick(null);
  }

  const selected = selectedMenuKey(location.pathname);
  const menu = (
    <Menu
      mode="inline"
      data-testid="main-menu"
      items={menuItemsFor(me.role)}
      selectedKeys={[selected]}
      defaultOpenKeys={[PROJECTS_MENU_KEY, TICKETS_MENU_KEY, SYSTEM_MENU_KEY]}
      onClick={({ key }) => {
        setMenuClick({ from: location.pathname + location.search, to: key });
        void navigate(key);
        setDrawerOpen(false);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <NavigationProgress menu={menuClick} />
      <Header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 100,
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          paddingInline: narrow ? 8 : 20,
          background: token.colorBgContainer,
          borderBottom: `1px solid ${token.colorBorderSecondary}`,
        }}
      >
        {mobile && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label="打开导航菜单"
            data-testid="menu-toggle"
            onClick={() => setDrawerOpen(true)}
          />
        )}
        <Brand compact={mobile} />
        <Flex
          align="center"
          gap={narrow ? 4 : 12}
          style={{ marginInlineStart: 'auto', minWidth: 0 }}
        >
          <RegionSwitcher compact={narrow} />
          <UserMenu compact={narrow} />
        </Flex>
      </Header>
      <Layout>
        {!mobile && (
          <Sider
            collapsible
            collapsed={collapsed}
            onCollapse={setCollapsed}
            width={208}
            theme="light"
            style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
          >
            {menu}
          </Sider>
        )}
        <Drawer
          open={mobile && drawerOpen}
          onClose={() => setDrawerOpen(false)}
          placement="left"
          size={240}
          title="项目为王"
          styles={{ body: { padding: 0 } }}
        >
          {menu}
        </Drawer>
        <Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          <Suspense
            fallback={
              <Flex justify="center" style={{ padding: 48 }}>
                <Spin />
              </Flex>
            }
          >
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
