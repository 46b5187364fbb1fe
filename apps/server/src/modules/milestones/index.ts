export { milestoneRoutes } from './milestone.routes';
export { rateMilestonesJob } from './milestone.jobs';
export { recomputeDueDates, rateAllMilestones, workBackwards } from './milestone.service';
export { defaultTemplates, ensureDefaultTemplates } from './milestone.templates';
