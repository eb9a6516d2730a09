import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenService } from './api-token.service';
import { AuthGuard } from './auth.guard';
import { PreviewInterceptor } from './preview.interceptor';

/** Bearer tokens, the global guard, and the interceptor that masks what a preview may not show. */
@Module({
  providers: [ApiTokenService, PreviewInterceptor, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiTokenService, PreviewInterceptor],
})
export class AuthModule {}
