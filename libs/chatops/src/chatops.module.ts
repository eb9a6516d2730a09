import { ClustersModule } from '@galera-cp/clusters';
import { Module } from '@nestjs/common';
import { ChatConfirmations } from './chat-confirmations';
import { ChatReplies } from './chat-replies';
import { ChatTargets } from './chat-targets';
import { SlackCommandUseCase } from './slack-command.use-case';

/**
 * Chatops: the Slack slash command and the replies it posts when operations end. The reply
 * worker starts only in processes with the worker role (`ChatReplies.start()`).
 */
@Module({
  imports: [ClustersModule],
  providers: [ChatTargets, ChatConfirmations, ChatReplies, SlackCommandUseCase],
  exports: [SlackCommandUseCase, ChatReplies],
})
export class ChatopsModule {}
