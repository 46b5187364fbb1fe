import { createContext, use, useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me } from '@xiangmu/contracts';
import { api, onAuthProblem, setCsrfToken } from '../lib/api-client';

export const ME_KEY = ['me'] as const;

interface AuthValue {
  /** the signed-in user, null when signed out */
  me: Me | null;
  login(values: { username: string; password: string }): Promise<Me>;
  logout(): Promise<void>;
  /** re-reads GET /api/me (e.g. after a password change) */
  refresh(): Promise<Me | null>;
  /** stores a fresh Me returned by PATCH /api/me or PUT /api/me/region */
  storeMe(me: Me): void;
  switchRegion(regionCode: string): Promise<Me>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const value = use(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for pages behind RequireAuth. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a session');
  return me;
}

type Keyed = { queryKey: readonly unknown[] };
/** everything but the session itself (dropped when the user changes) */
const notMe = (q: Keyed) => !(q.queryKey.length === 1 && q.queryKey[0] === ME_KEY[0]);
/** everything that depends on the active region (reloaded after a switch) */
const scoped = (q: Keyed) => q.queryKey[0] !== ME_KEY[0];

/** Loads the session once and provides it; renders `loading`/`failed` until it is known. */
export function AuthProvider(props: {
  children: ReactNode;
  loading: ReactNode;
  failed: (retry: () => void, error: unknown) => ReactNode;
}) {
  const qc = useQueryClient();
  const meQuery = useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      const me = await api.auth.me();
      setCsrfToken(me?.csrfToken ?? null);
      return me;
    },
    staleTime: Infinity,
    retry: 1,
  });

  const storeMe = useCallback(
    (me: Me) => {
      setCsrfToken(me.csrfToken);
      qc.setQueryData(ME_KEY, me);
    },
    [qc],
  );

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    qc.removeQueries({ predicate: notMe });
    qc.setQueryData(ME_KEY, null);
  }, [qc]);

  useEffect(
    () =>
      onAuthProblem((problem) => {
        // 401: the session is gone → RequireAuth sends the user to /login.
        if (problem === 'UNAUTHENTICATED') signedOut();
        // 403: the password must be changed first → RequireAuth sends him there;
        // or the CSRF token is stale (signed in again elsewhere) → re-read the session.
        else void qc.invalidateQueries({ queryKey: ME_KEY, exact: true });
      }),
    [qc, signedOut],
  );

  const value = useMemo<AuthValue>(
    () => ({
      me: meQuery.data ?? null,
      async login(values) {
        const me = await api.auth.login(values);
        qc.removeQueries({ predicate: notMe });
        storeMe(me);
        return me;
      },
      async logout() {
        try {
          await api.auth.logout();
        } finally {
          signedOut();
        }
      },
      async refresh() {
        const me = await api.auth.me();
        if (me) storeMe(me);
        else signedOut();
        return me;
      },
      storeMe,
      async switchRegion(regionCode) {
        const me = await api.auth.switchRegion(regionCode);
        storeMe(me);
        // Every list depends on the active region: reload them all.
        await qc.invalidateQueries({ predicate: scoped });
        return me;
      },
    }),
    [meQuery.data, qc, signedOut, storeMe],
  );

  if (meQuery.isPending) return props.loading;
  if (meQuery.isError && meQuery.data === undefined)
    return props.failed(() => void meQuery.refetch(), meQuery.error);
  return <AuthContext value={value}>{props.children}</AuthContext>;
}
