export { projectRoutes } from './project.routes';
export { nameInitials, stageMoveAllowed } from './project.service';
export { getProject } from './project.service';
