export { campaignRoutes } from './campaign.routes';
export { getCampaignDetail } from './campaign.service';
