import type { Server } from 'node:http';
import { AuditInterceptor, AuditService } from '@galera-cp/audit';
import { ApiTokenService } from '@galera-cp/auth';
import { PreviewInterceptor } from '@galera-cp/auth';
import type { AppConfig } from '@galera-cp/config';
import {
  answerClientErrorsAsProblems,
  ControlPlaneExpressAdapter,
  createValidationPipe,
  EarlyRefusal,
  FailedAuthLimiter,
  IdempotencyInterceptor,
  ProblemFilter,
  renderProblem,
  RequestInputInterceptor,
  RequestWithContext,
  requestIdMiddleware,
} from '@galera-cp/http';
import { httpObservabilityMiddleware, JsonLogger, MetricsService } from '@galera-cp/observability';
import { PlatformOptions } from '@galera-cp/platform';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Response } from 'express';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './openapi';

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\b/i;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Refusals answered before routing (failed-auth limit, 415, 413, malformed JSON), as problems.
 * A refused mutation is audited like the others: its actor is the token's principal when the
 * request carries a valid one (authentication has not run yet), else anonymous.
 */
function earlyRefusal(audit: AuditService, tokens: ApiTokenService): EarlyRefusal {
  return (request, response, error) => {
    const problem = renderProblem(error, request.path, request.requestId);
    const send = () => {
      if (response.headersSent) return;
      for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
      response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
    };
    if (!WRITES.includes(request.method)) return send();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '')?.[1];
    void (async () => {
      const actor = bearer && problem.status !== 429 ? await tokens.authenticate(bearer).catch(() => null) : null;
      await audit.record({ actor, action: `${request.method} ${request.path}`, outcome: 'denied', statusCode: problem.status, requestId: request.requestId, detail: { code: problem.body.code } });
    })()
      .catch(() => undefined)
      .finally(send);
  };
}

/**
 * Refuses bodies that are not JSON (415 UNSUPPORTED_MEDIA_TYPE), compressed bodies (415
 * UNSUPPORTED_CONTENT_ENCODING: BODY_LIMIT bounds what is received, and an inflated body is not
 * bounded by it), and treats an absent body of a write as `{}`.
 */
function jsonOnly(refuse: EarlyRefusal) {
  return (request: RequestWithContext, response: Response, next: NextFunction): void => {
    // Refused with or without a body: the body parser would try to inflate even an empty one.
    const encoding = (request.header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      return refuse(
        request,
        response,
        Object.assign(new Error(`Content-Encoding ${encoding.slice(0, 40)} is not supported; send the body uncompressed`), { type: 'encoding.unsupported', status: 415, expose: true }),
      );
    }
    if (['POST', 'PUT', 'PATCH'].includes(request.method)) {
      const hasBody = Number(request.header('content-length') ?? 0) > 0 || request.header('transfer-encoding') !== undefined;
      const type = request.header('content-type');
      if (hasBody && (!type || !JSON_TYPE.test(type)) && !request.path.startsWith('/v1/chat/')) {
        return refuse(
          request,
          response,
          Object.assign(new Error(`Content-Type ${type?.slice(0, 80) ?? '(none)'} is not supported; send application/json`), { type: 'unsupported', status: 415, expose: true }),
        );
      }
    }
    next();
  };
}

/** After express.json(): a body-parser error becomes a problem (400 MALFORMED_JSON, 413 PAYLOAD_TOO_LARGE). */
function bodyParserErrors(refuse: EarlyRefusal) {
  return (error: unknown, request: RequestWithContext, response: Response, next: NextFunction): void => {
    if (!error) return next();
    refuse(request, response, error);
  };
}

/** How long an idle keep-alive connection stays open on the server: longer than clients and load balancers keep theirs (60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Builds the HTTP application (not yet listening): request ids, JSON bodies with a size limit,
 * CORS, metrics and access logs, the problem filter, strict validation, the idempotency, audit
 * and answer interceptors (outermost first), and Swagger UI at /docs. Tests build exactly this.
 */
export async function createApiApp(options: PlatformOptions & { logger?: LoggerService | false }): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), new ControlPlaneExpressAdapter(), {
    bodyParser: false,
    logger: options.logger ?? false,
    abortOnError: false,
  });
  const config: AppConfig = options.config;
  const audit = app.get(AuditService);
  const refuse = earlyRefusal(audit, app.get(ApiTokenService));
  answerClientErrorsAsProblems(app.getHttpServer());
  // An idle keep-alive connection is closed by the client, never by the server under the
  // client's feet: Node's 5 s default races clients that reuse a socket after ~4 s (fetch) and load
  // balancers that keep 60 s, and the request on that socket fails with ECONNRESET. So the server
  // waits longer than both; headers still have to arrive within their own bound.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestIdMiddleware);
  const logger = options.logger instanceof JsonLogger ? options.logger : undefined;
  app.use(httpObservabilityMiddleware(app.get(MetricsService), logger ?? new JsonLogger('silent'), { accessLog: Boolean(logger) }));
  app.use((request: RequestWithContext, response: Response, next: NextFunction) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (request.path.startsWith('/v1/')) response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(new FailedAuthLimiter({ limit: config.authFailureLimit, windowSeconds: config.authFailureWindowSeconds }).middleware(refuse));
  app.use(jsonOnly(refuse));
  app.use(express.json({ limit: config.bodyLimit, strict: true, type: (req) => JSON_TYPE.test(String(req.headers['content-type'] ?? '')) }));
  // Chat platforms sign the raw form body: the chat routes get it unparsed, as a Buffer.
  app.use('/v1/chat/', express.raw({ limit: '64kb', type: 'application/x-www-form-urlencoded' }));
  app.use(bodyParserErrors(refuse));
  app.use((request: RequestWithContext, _response: Response, next: NextFunction) => {
    if (['POST', 'PUT', 'PATCH'].includes(request.method) && request.body === undefined) request.body = {};
    next();
  });
  if (config.corsOrigins) {
    app.enableCors({
      origin: config.corsOrigins === '*' ? true : config.corsOrigins,
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id', 'Last-Event-ID'],
      maxAge: 600,
    });
  }
  app.useGlobalFilters(
    new ProblemFilter((request, status, code) =>
      audit.record({ actor: request.principal ?? null, action: `${request.method} ${request.path}`, outcome: 'denied', statusCode: status, requestId: request.requestId, detail: { code } }),
    ),
  );
  app.useGlobalPipes(createValidationPipe());
  // Innermost last: a preview's answer is masked before it is audited or kept for an Idempotency-Key replay.
  app.useGlobalInterceptors(app.get(IdempotencyInterceptor), app.get(AuditInterceptor), new RequestInputInterceptor(), app.get(PreviewInterceptor));
  const document = buildOpenApiDocument(app as INestApplication);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', customSiteTitle: 'Galera control plane API' });
  return app;
}
