/** What other features may use of 问题台账: the project page's section. */
export { PROBLEM_READERS } from './model';
export { ProjectProblemsSection } from './ProjectProblemsSection';
