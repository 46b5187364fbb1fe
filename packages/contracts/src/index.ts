import { z } from 'zod';

// Zod's own messages (wrong type, too short …) in Simplified Chinese.
z.config(z.locales.zhCN());

export * from './errors';
export * from './text';
export * from './common';
export * from './auth';
export * from './regions';
export * from './users';
export * from './audit';
export * from './jobs';
export * from './money';
export * from './credit-code';
export * from './projects';
export * from './imports';
export * from './reports';
export * from './problems';
export * from './campaigns';
export * from './milestones';
export * from './dashboard';
export * from './briefings';
export * from './tickets';
