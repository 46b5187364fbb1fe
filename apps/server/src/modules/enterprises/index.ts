export { enterpriseRoutes } from './enterprise.routes';
export * from './enterprise.service';
