export * as accounts from './account.service';
export * from './department.service';
export { hashPassword, verifyPassword, generatePassword } from './password';
export * from './user.service';
export { userRoutes } from './user.routes';
