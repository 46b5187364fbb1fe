import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { FORCED_PASSWORD_PATH, mayOpen, useAuth, type NavPage } from '../session';

/**
 * Signed-in pages. Without a session → /login (remembering where to return);
 * while the password must be changed → only the forced password page.
 */
export function RequireAuth({
  children,
  forcedPage = false,
}: {
  children: ReactNode;
  forcedPage?: boolean;
}) {
  const { me } = useAuth();
  const location = useLocation();
  if (!me)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (me.mustChangePassword && !forcedPage) return <Navigate to={FORCED_PASSWORD_PATH} replace />;
  if (!me.mustChangePassword && forcedPage) return <Navigate to="/" replace />;
  return children;
}

/** The login page is for signed-out users only. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  if (me) return <Navigate to={me.mustChangePassword ? FORCED_PASSWORD_PATH : '/'} replace />;
  return children;
}

/** Pages limited to some roles show 403 to the others (the API refuses them anyway). */
export function RequireRole({ page, children }: { page: NavPage; children: ReactNode }) {
  const { me } = useAuth();
  const navigate = useNavigate();
  if (me && !mayOpen(page, me.role))
    return (
      <Result
        status="403"
        title="无权访问"
        subTitle={`您的角色不能使用“${page.label}”。`}
        extra={
          <Button type="primary" onClick={() => navigate('/')}>
            返回首页
          </Button>
        }
        data-testid="forbidden"
      />
    );
  return children;
}

export function NotFound() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的页面不存在或已被移除。"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          返回首页
        </Button>
      }
    />
  );
}
