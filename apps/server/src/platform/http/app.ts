import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorMessages, imageContentTypes, XLSX_CONTENT_TYPE } from '@xiangmu/contracts';
import type { Db, Engine } from '../database/db';
import type { JobRunner } from '../jobs/runner';
import { registerErrorHandler } from './error-handler';
import { DomainError } from './domain-error';
import type { RequestActor } from './request';

export const SESSION_COOKIE = 'xm_sid';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: RequestActor | null;
  }
  interface FastifyContextConfig {
    /** no session needed (login, health) */
    public?: boolean;
    /** reachable while the user still has to change his initial password */
    beforePasswordChange?: boolean;
  }
}

export interface AppContext {
  db: Db;
  engine: Engine;
  jobs: JobRunner;
  secureCookies: boolean;
  /** resolves a session cookie to its actor (modules/auth) */
  authenticate: (token: string, ip: string | null) => Promise<RequestActor | null>;
  /** called before the response of every state-changing request is sent */
  afterWrite?: () => void;
}

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
}

export interface BuildOptions {
  logger: FastifyBaseLogger;
  webDist?: string | undefined;
  routeModules: Array<(app: ApiApp, ctx: AppContext) => void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The HTTP adapter: plugins, auth and CSRF hooks, error mapping, docs and the web UI. */
export async function buildApp(ctx: AppContext, opts: BuildOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods)
      if (m !== 'HEAD' && r.url.startsWith('/api/'))
        routes.push({ method: m, url: r.url, public: !!r.config?.public });
  });
  app.decorate('routeTable', routes);

  await app.register(fastifyCookie);
  // Spreadsheet and photo uploads reach their route as a stream; the route
  // limits the size (and checks a photo's type by its first bytes).
  app.addContentTypeParser(
    [XLSX_CONTENT_TYPE, 'application/octet-stream', ...imageContentTypes],
    (_req, payload, done) => done(null, payload),
  );
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'xiangmu 项目为王 API',
        version: '0.1.0',
        description: '重点项目、招商引资与闭环服务平台接口',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    req.actor = token ? await ctx.authenticate(token, req.ip) : null;
    const config = req.routeOptions.config;
    if (config?.public) return;
    if (!req.actor) throw new DomainError('UNAUTHENTICATED');
    if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== req.actor.csrfToken)
      throw new DomainError('CSRF_INVALID');
    if (req.actor.mustChangePassword && !config?.beforePasswordChange)
      throw new DomainError('PASSWORD_CHANGE_REQUIRED');
  });

  // PostgreSQL cannot store a NUL byte in text: one anywhere in the query,
  // the path or a JSON body is refused here, once for every route, instead of
  // failing in the database as a 500 (issue 14).
  app.addHook('preValidation', async (req) => {
    if (holdsNul(req.query) || holdsNul(req.params) || holdsNul(req.body))
      throw new DomainError('VALIDATION_FAILED', {
        message: '提交的内容含有不可见的空字符（NUL），请删除后重试',
      });
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (!SAFE_METHODS.has(req.method)) ctx.afterWrite?.();
    // No framing (clickjacking), no MIME sniffing, no URLs leaking elsewhere.
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    done(null, payload);
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    await ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return { status: 'ok', engine: ctx.engine };
  });

  for (const register of opts.routeModules) register(app, ctx);

  const web =
    opts.webDist && existsSync(join(opts.webDist, 'index.html')) ? opts.webDist : undefined;
  if (web) await app.register(fastifyStatic, { root: web, wildcard: false, index: ['index.html'] });
  // The single-page app owns every other GET path; the API keeps its 404s.
  app.setNotFoundHandler((req, reply) => {
    if (web && req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/docs'))
      return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send({
      code: 'NOT_FOUND',
      message: `${errorMessages.NOT_FOUND}：${req.method} ${req.url.split('?')[0]}`,
    });
  });
  return app;
}

export const routeTableOf = (app: FastifyInstance): RouteInfo[] =>
  (app as unknown as { routeTable: RouteInfo[] }).routeTable;

/** a NUL byte in a string, or in any string of a parsed JSON value (not in uploads: Buffers) */
function holdsNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (depth > 20 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return false;
  if (Array.isArray(v)) return v.some((x) => holdsNul(x, depth + 1));
  // an upload's stream is read by its handler
  if (typeof (v as { pipe?: unknown }).pipe === 'function') return false;
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || holdsNul(x, depth + 1));
}
