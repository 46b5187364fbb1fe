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
import { requestStarted } from '../database/background';
import type { Db, Engine } from '../database/db';
import type { JobRunner } from '../jobs/runner';
import { registerErrorHandler } from './error-handler';
import { DomainError } from './domain-error';
import { forbiddenCharIn, forbiddenCharMessage } from './input';
import { isApiPath, isDocsPath, normalizedPath } from './paths';
import type { RequestActor } from './request';
import { drainRest, uploadStream } from './uploads';

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
  /** /docs (Swagger UI, OpenAPI JSON) without a session; by default behind login */
  publicDocs?: boolean;
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

/** true: any proxy; a list: those addresses or CIDR ranges */
export type TrustProxy = boolean | string[];

export interface BuildOptions {
  logger: FastifyBaseLogger;
  webDist?: string | undefined;
  /** which proxies' X-Forwarded-For to believe (XIANGMU_TRUST_PROXY); none by default */
  trustProxy?: TrustProxy;
  routeModules: Array<(app: ApiApp, ctx: AppContext) => void>;
}

/** JSON bodies; uploads have their own limits, checked by their routes as they read */
export const JSON_BODY_LIMIT = 1024 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The pages' policy (docs/adr/0019-content-security-policy.md): scripts only
 * from our own origin, no inline script, no eval; inline styles allowed, as
 * antd's CSS-in-JS writes <style> elements at run time.
 */
export const HTML_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** API answers are data: nothing in them may load or run, nor be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

/** The HTTP adapter: plugins, auth and CSRF hooks, error mapping, docs and the web UI. */
export async function buildApp(ctx: AppContext, opts: BuildOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: JSON_BODY_LIMIT,
    // the client address feeds the login throttle: behind a reverse proxy it
    // must come from X-Forwarded-For, and only a trusted proxy may set it
    trustProxy: opts.trustProxy ?? false,
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
    (_req, payload, done) => done(null, uploadStream(payload)),
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

  // Counted until the answer is out (or the client gone): on PGlite a job's
  // next batch waits while any request is being answered (background.ts).
  app.addHook('onRequest', (_req, reply, done) => {
    const ended = requestStarted();
    reply.raw.once('close', ended);
    reply.raw.once('finish', ended);
    done();
  });

  app.decorateRequest('actor', null);
  // Decided on the route matched and on the normalized path, never on the raw
  // URL: the router takes `/%61pi/users` for /api/users (issue 14).
  app.addHook('onRequest', async (req) => {
    const path = normalizedPath(req.url);
    const route = req.routeOptions.url ?? '';
    const api = isApiPath(path) || route.startsWith('/api/');
    const docs = !ctx.publicDocs && (isDocsPath(path) || route.startsWith('/docs'));
    if (!api && !docs) return;
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

  // Characters no column or export can hold (NUL was a 500 from the
  // database): refused here, once for every route, in the query, the path and
  // a JSON or form body (issue 14).
  app.addHook('preValidation', async (req) => {
    const bad =
      forbiddenCharIn(req.query) ?? forbiddenCharIn(req.params) ?? forbiddenCharIn(req.body);
    if (bad !== null)
      throw new DomainError('VALIDATION_FAILED', { message: forbiddenCharMessage(bad) });
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (!SAFE_METHODS.has(req.method)) ctx.afterWrite?.();
    // No framing (clickjacking), no MIME sniffing, no URLs leaking elsewhere.
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (ctx.secureCookies) reply.header('strict-transport-security', HSTS);
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy'))
        reply.header('content-security-policy', HTML_CSP);
    } else if (isApiPath(normalizedPath(req.url))) {
      if (!reply.hasHeader('content-security-policy'))
        reply.header('content-security-policy', API_CSP);
      // answers about people and money stay out of every cache; a route that
      // knows better (a photo, immutable) says so itself
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    }
    // Answered before the body was read to its end (too large, wrong type,
    // refused): drop the rest instead of closing, so the client, still
    // sending, reads the answer rather than a reset connection.
    if (req.raw.complete === false) {
      reply.removeHeader('connection');
      drainRest(req.raw);
    }
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
    const path = normalizedPath(req.url);
    if (web && req.method === 'GET' && !isApiPath(path) && !isDocsPath(path))
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
