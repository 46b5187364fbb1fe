export { jobRoutes } from './job.routes';
