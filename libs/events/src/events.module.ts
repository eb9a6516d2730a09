import { Global, Module } from '@nestjs/common';
import { EventsService } from './events.service';

/** Events and cross-process notifications, available everywhere. */
@Global()
@Module({ providers: [EventsService], exports: [EventsService] })
export class EventsModule {}
