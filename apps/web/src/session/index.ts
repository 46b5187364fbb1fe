/**
 * The signed-in session, below every feature: who is signed in (useAuth,
 * useMe), the pages and who may open them, and the shared lists whose
 * query keys carry the active region. Features, components and the shell
 * import it from here; it imports only lib/.
 */
export { AuthProvider, ME_KEY, useAuth, useMe } from './auth';
export { FORCED_PASSWORD_PATH, mayOpen, pages, type NavPage } from './pages';
export { useDepartments, useRegions } from './queries';
