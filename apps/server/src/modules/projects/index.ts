export { projectRoutes } from './project.routes';
export { nameInitials, stageMoveAllowed } from './project.service';
export { getProject, getProjectInScope as getProjectRowInScope } from './project.service';
