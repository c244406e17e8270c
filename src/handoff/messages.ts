/** What she is told about the people side of her chat, in both locales. */
import type { Locale } from '../core/types.js';

export const HANDOFF_TEXT = {
  joined: (l: Locale, name: string) =>
    l === 'zh' ? `工作人员「${name}」已加入对话，现在由她和你聊。` : `${name}, a staff member, has joined the chat and will talk with you now.`,
  resolved: (l: Locale) =>
    l === 'zh'
      ? '工作人员已结束这次对话，接下来由自动助手回答。需要时可以随时再点“转人工”；有危险请拨打 110。'
      : 'The staff member has finished; the automatic assistant answers again. You can ask for a person at any time; in danger, call 110.',
  closed: (l: Locale) =>
    l === 'zh'
      ? '这次对话已经结束。需要帮助时，刷新页面可以开始新的对话；有危险请拨打 110，妇联维权热线 12338。'
      : 'This chat has ended. Reload the page to start a new one when you need help; in danger call 110, the hotline is 12338.',
  position: (l: Locale, n: number) =>
    l === 'zh'
      ? `你现在排在第 ${n} 位，工作人员会尽快来。你可以继续写，她会看到。有危险请直接拨打 110；也可以拨打妇联维权热线 12338。`
      : `You are number ${n} in the queue; a staff member will come as soon as possible. You can keep writing, she will see it. In danger, call 110 directly; you can also call the hotline 12338.`,
  timeout: (l: Locale) =>
    l === 'zh'
      ? '很抱歉，工作人员现在都很忙，还没能接入。你可以继续等，也可以直接拨打妇联维权热线 12338；有危险请立即拨打 110。'
      : 'I am sorry: all staff are busy and nobody has been able to join yet. You can keep waiting, or call the hotline 12338 directly; in danger, call 110 now.',
};
