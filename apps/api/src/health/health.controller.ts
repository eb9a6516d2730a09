import { Public } from '@galera-cp/auth';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError } from '@galera-cp/core';
import { assertMetricsAccess, MetricsService } from '@galera-cp/observability';
import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ApiProblems } from '../common/api-problems.decorator';

@ApiSchema({ name: 'Health' })
export class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Liveness, readiness and metrics (no API token needed; /metrics wants METRICS_TOKEN when set). */
@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('healthz')
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness: the database answers' })
  @ApiOkResponse({ type: HealthDto })
  @ApiProblems(503)
  async ready(): Promise<HealthDto> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError('unavailable', 'DATABASE_UNAVAILABLE', 'The database does not answer');
    }
    return { status: 'ok' };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  async prometheus(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    assertMetricsAccess(this.config.metricsToken, authorization);
    const { contentType, body } = await this.metrics.render();
    response.type(contentType).send(body);
  }
}
