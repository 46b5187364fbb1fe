export { campaignRoutes } from './campaign.routes';
export { batchStages } from './campaign.service';
