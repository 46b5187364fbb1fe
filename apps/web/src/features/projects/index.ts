/** What other features may use of 重点项目库. */
export { canReadDepartments, PROJECT_MANAGERS } from './model';
export { StageTag } from './tags';
