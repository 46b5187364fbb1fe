export * from './region.service';
export { regionRoutes } from './region.routes';
