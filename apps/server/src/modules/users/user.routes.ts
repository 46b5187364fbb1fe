import { z } from 'zod';
import {
  createDepartmentRequest,
  createUserRequest,
  createUserResponse,
  department,
  departmentListQuery,
  idParam,
  pageOf,
  resetPasswordResponse,
  updateDepartmentRequest,
  updateUserRequest,
  user,
  userListQuery,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as departments from './department.service';
import * as users from './user.service';

export function userRoutes(hooks: users.PasswordResetHooks) {
  return (app: ApiApp, ctx: AppContext) => routes(app, ctx, hooks);
}

function routes(app: ApiApp, { db }: AppContext, hooks: users.PasswordResetHooks) {
  const tags = ['用户管理'];
  app.get(
    '/api/users',
    {
      schema: {
        tags,
        summary: '用户列表',
        querystring: userListQuery,
        response: { 200: pageOf(user) },
      },
    },
    async (req) => users.listUsers(db, actorOf(req), req.query),
  );
  app.post(
    '/api/users',
    {
      schema: {
        tags,
        summary: '新建用户',
        body: createUserRequest,
        response: { 200: createUserResponse },
      },
    },
    async (req) => users.createUser(db, actorOf(req), req.body),
  );
  app.get(
    '/api/users/:id',
    { schema: { tags, summary: '用户详情', params: idParam, response: { 200: user } } },
    async (req) => users.getUser(db, actorOf(req), req.params.id),
  );
  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags,
        summary: '修改用户',
        params: idParam,
        body: updateUserRequest,
        response: { 200: user },
      },
    },
    async (req) => users.updateUser(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/users/:id/reset-password',
    {
      schema: {
        tags,
        summary: '重置密码',
        params: idParam,
        response: { 200: resetPasswordResponse },
      },
    },
    async (req) => users.resetPassword(db, actorOf(req), req.params.id, hooks),
  );
  app.post(
    '/api/users/:id/unlock',
    { schema: { tags, summary: '解除锁定', params: idParam, response: { 200: user } } },
    async (req) => users.unlockUser(db, actorOf(req), req.params.id),
  );

  const dtags = ['部门（责任单位）'];
  app.get(
    '/api/departments',
    {
      schema: {
        tags: dtags,
        summary: '部门列表',
        querystring: departmentListQuery,
        response: { 200: z.array(department) },
      },
    },
    async (req) => departments.listDepartments(db, actorOf(req), req.query),
  );
  app.post(
    '/api/departments',
    {
      schema: {
        tags: dtags,
        summary: '新建部门',
        body: createDepartmentRequest,
        response: { 200: department },
      },
    },
    async (req) => departments.createDepartment(db, actorOf(req), req.body),
  );
  app.get(
    '/api/departments/:id',
    {
      schema: { tags: dtags, summary: '部门详情', params: idParam, response: { 200: department } },
    },
    async (req) => {
      const actor = actorOf(req);
      return departments.getDepartment(db, actor, req.params.id);
    },
  );
  app.patch(
    '/api/departments/:id',
    {
      schema: {
        tags: dtags,
        summary: '修改部门',
        params: idParam,
        body: updateDepartmentRequest,
        response: { 200: department },
      },
    },
    async (req) => departments.updateDepartment(db, actorOf(req), req.params.id, req.body),
  );
}
