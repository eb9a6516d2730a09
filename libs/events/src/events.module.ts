import { Global, Module } from '@nestjs/common';
import { EventFeed } from './event-feed';
import { EventsService } from './events.service';

/** Events, the event feed (lists and streams) and cross-process notifications, available everywhere. */
@Global()
@Module({ providers: [EventsService, EventFeed], exports: [EventsService, EventFeed] })
export class EventsModule {}
