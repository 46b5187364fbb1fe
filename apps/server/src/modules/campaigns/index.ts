export { campaignRoutes } from './campaign.routes';
