/** What other features may use of 企业库: the enterprise picker. */
export { EnterpriseSelect } from './EnterpriseSelect';
