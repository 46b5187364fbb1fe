import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router';
import { Card, Skeleton } from 'antd';
import { QueryError } from '../../components/QueryState';
import { problemsApi } from './api';

/** /problems/:id of the old 问题台账: the problem is a ticket now (migration 0016). */
export default function LegacyProblemRedirect() {
  const id = Number(useParams().id);
  const found = useQuery({
    queryKey: ['problems', 'legacy', id],
    queryFn: () => problemsApi.legacy(id),
    enabled: Number.isInteger(id) && id > 0,
    retry: false,
  });
  if (found.data) return <Navigate to={`/tickets/${found.data.ticketId}`} replace />;
  return (
    <Card>
      {found.isError ? (
        <QueryError error={found.error} onRetry={() => void found.refetch()} />
      ) : (
        <Skeleton active />
      )}
    </Card>
  );
}
