export { problemRoutes } from './problem.routes';
