import { App as AntApp, Button, ConfigProvider, Flex, Result, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { ApiError, errorText } from '../lib/api-client';
import { AuthProvider } from '../session';
import { AppRoutes } from './router';
import { appTheme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers (no permission, not found, bad filter) do not get better by retrying.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
  },
});

const fullPage = { minHeight: '100vh' } as const;

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={appTheme} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthProvider
              loading={
                <Flex justify="center" align="center" style={fullPage}>
                  <Spin size="large" description="正在加载…" />
                </Flex>
              }
              failed={(retry, error) => (
                <Flex justify="center" align="center" style={fullPage}>
                  <Result
                    status="error"
                    title="无法连接服务器"
                    subTitle={errorText(error)}
                    extra={
                      <Button type="primary" onClick={retry}>
                        重试
                      </Button>
                    }
                  />
                </Flex>
              )}
            >
              <AppRoutes />
            </AuthProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
