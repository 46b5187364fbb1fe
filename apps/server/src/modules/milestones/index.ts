export { milestoneRoutes } from './milestone.routes';
export { rateMilestonesJob } from './milestone.jobs';
export { recomputeDueDates, rateAllMilestones } from './milestone.service';
export { ensureDefaultTemplates } from './milestone.templates';
