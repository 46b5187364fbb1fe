/** What other features may use of the 节点 (milestones): the project page's section, the calendar's API. */
export { milestonesApi, type CalendarYear } from './api';
export { dueHint, MILESTONE_READERS, milestoneKeys } from './model';
export { MilestoneStatusTag } from './tags';
export { MilestonesSection } from './MilestonesSection';
