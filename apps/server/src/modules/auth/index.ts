export { authenticate, endSessionsOf } from './auth.service';
export { authRoutes } from './auth.routes';
export { purgeSessionsJob } from './auth.jobs';
export { LoginThrottle } from './login-throttle';
export { SessionCache } from './session-cache';
