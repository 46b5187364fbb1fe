import { z } from 'zod';
import {
  changePasswordRequest,
  idParam,
  loginBlocksResponse,
  region,
  regionLevelSchema,
  loginRequest,
  meResponse,
  okResponse,
  switchRegionRequest,
  updateProfileRequest,
} from '@xiangmu/contracts';
import type { FastifyRequest } from 'fastify';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import { SESSION_COOKIE } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import { listSwitchableRegions } from '../regions';
import * as auth from './auth.service';
import { liftLoginBlock, listLoginBlocks } from './login-blocks.service';
import { LoginThrottle } from './login-throttle';

export function authRoutes(throttle = new LoginThrottle()) {
  return (app: ApiApp, ctx: AppContext) => {
    const { db } = ctx;
    const tags = ['认证与个人'];
    /** the caller as he is after his own write (not from the session cache) */
    const reload = async (req: FastifyRequest) => {
      const actor = await auth.authenticate(db, req.cookies[SESSION_COOKIE] ?? '', req.ip);
      if (!actor) throw new DomainError('UNAUTHENTICATED');
      return actor;
    };

    app.post(
      '/api/auth/login',
      {
        config: { public: true },
        schema: { tags, summary: '登录', body: loginRequest, response: { 200: meResponse } },
      },
      async (req, reply) => {
        const { token, expiresAt, actor } = await auth.login(db, throttle, {
          ...req.body,
          ip: req.ip,
        });
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.secureCookies,
          path: '/',
          expires: expiresAt,
        });
        return auth.me(actor);
      },
    );

    app.post(
      '/api/auth/logout',
      {
        config: { beforePasswordChange: true },
        schema: { tags, summary: '退出登录', response: { 200: okResponse } },
      },
      async (req, reply) => {
        await auth.logout(db, actorOf(req));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/me',
      {
        config: { beforePasswordChange: true },
        schema: { tags, summary: '当前用户', response: { 200: meResponse } },
      },
      async (req) => auth.me(actorOf(req)),
    );

    app.patch(
      '/api/me',
      {
        schema: {
          tags,
          summary: '修改个人资料',
          body: updateProfileRequest,
          response: { 200: meResponse },
        },
      },
      async (req) => {
        await auth.updateProfile(db, actorOf(req), req.body);
        return auth.me(await reload(req));
      },
    );

    app.post(
      '/api/me/password',
      {
        config: { beforePasswordChange: true },
        schema: {
          tags,
          summary: '修改密码',
          body: changePasswordRequest,
          response: { 200: okResponse },
        },
      },
      async (req) => {
        await auth.changePassword(db, actorOf(req), req.body);
        return { ok: true as const };
      },
    );

    app.get(
      '/api/me/regions',
      {
        schema: {
          tags,
          summary: '可切换的区域（本人所属区域及以下）',
          querystring: z.strictObject({ maxLevel: regionLevelSchema.optional() }),
          response: { 200: z.array(region) },
        },
      },
      async (req) => listSwitchableRegions(db, actorOf(req), req.query),
    );

    app.put(
      '/api/me/region',
      {
        schema: {
          tags,
          summary: '切换当前区域',
          body: switchRegionRequest,
          response: { 200: meResponse },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        await auth.switchRegion(db, actor, req.body.regionCode);
        return auth.me(await reload(req));
      },
    );

    const btags = ['用户管理'];
    app.get(
      '/api/login-blocks',
      {
        schema: {
          tags: btags,
          summary: '登录限制：锁定的账号、被限制的地址+用户名、降速的地址',
          response: { 200: loginBlocksResponse },
        },
      },
      async (req) => listLoginBlocks(db, actorOf(req), throttle),
    );
    app.post(
      '/api/login-blocks/:id/lift',
      {
        schema: {
          tags: btags,
          summary: '解除一条登录限制（账号锁定用 /api/users/:id/unlock）',
          params: idParam,
          response: { 200: okResponse },
        },
      },
      async (req) => {
        await liftLoginBlock(db, actorOf(req), req.params.id);
        return { ok: true as const };
      },
    );
  };
}
