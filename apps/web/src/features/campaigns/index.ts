/** What other features may use of 三个一批: the query key of the periods (project import). */
export { campaignsKey } from './model';
