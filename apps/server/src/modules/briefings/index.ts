export { briefingRoutes } from './briefing.routes';
