/** The bot's own words (everything that is not an FAQ answer), in both locales. */
import type { Locale } from '../core/types.js';
import type { AnswerWording } from '../faq/render.js';

export type Localized = Record<Locale, string>;

export const MESSAGES = {
  welcome: {
    zh:
      '您好，我是妇联维权热线的自动助手（机器人，不是真人）。\n' +
      '我可以解答人身安全保护令、报警和告诫书、保存证据、验伤、庇护所、法律援助、离婚和孩子抚养等问题，也可以帮你联系工作人员。\n' +
      '这里的对话是保密的。\n' +
      '遇到危险请立即拨打 110，受伤请拨 120；妇联维权热线 12338。',
    en:
      "Hello, I am the automatic assistant (a bot, not a person) of the women's federation hotline.\n" +
      'I can answer questions about protection orders, calling the police and police warnings, keeping evidence, injury assessment, shelters, legal aid, divorce and custody, and I can bring in a staff member.\n' +
      'This chat is private.\n' +
      "In danger, call 110 now (120 for an ambulance); the women's federation hotline is 12338.",
  },
  emergency: {
    zh:
      '你现在可能有危险，请先保护自己：\n' +
      '1. 立刻拨打 110 报警；有人受伤拨打 120。\n' +
      '2. 不方便打电话时，部分地区可以发短信到 12110+本地区号报警，写清楚地址和发生了什么。\n' +
      '3. 尽量到安全的地方或人多的地方（邻居家、商店、街上），远离厨房等有刀具的地方，能锁门就锁门。',
    en:
      'You may be in danger now. Please protect yourself first:\n' +
      '1. Call 110 (police) now; call 120 if someone is hurt.\n' +
      '2. If calling is not safe, in some areas you can text the police at 12110 plus your local area code: write where you are and what is happening.\n' +
      '3. Get to a safe place or among people (a neighbour, a shop, the street), away from the kitchen and anything that can be used as a weapon; lock a door if you can.',
  },
  emergencyStaff: {
    zh: '我们正在请工作人员（真人）过来，她会尽快和你对话。你可以继续在这里写。',
    en: 'We are bringing in a staff member (a person) who will talk with you as soon as possible. You can keep writing here.',
  },
  noStaff: {
    zh: '现在没有工作人员在线接待。想和工作人员说话，请拨打妇联维权热线 12338；有危险请立即拨打 110。',
    en: "No staff member is online in this chat right now. To talk with a person, call the women's federation hotline 12338; in danger, call 110 now.",
  },
  handoffNoStaff: {
    zh: '现在没有工作人员在线接待，很抱歉。请拨打妇联维权热线 12338，那里有工作人员可以帮你；有危险请立即拨打 110。你也可以继续在这里问我问题。',
    en: "I am sorry: no staff member is online in this chat right now. Please call the women's federation hotline 12338, where a person can help you; in danger, call 110 now. You can keep asking me questions here.",
  },
  handoff: {
    zh: '我正在为你联系工作人员（真人），请稍候，她会在这里和你对话。你可以继续写，她会看到。\n有危险请立即拨打 110；也可以直接拨打妇联维权热线 12338。',
    en: "I am bringing in a staff member (a person); please wait, she will talk with you here. You can keep writing, she will see it.\nIn danger, call 110 now; you can also call the women's federation hotline 12338 directly.",
  },
  offerHuman: {
    zh: '如果你愿意，可以和工作人员（真人）聊一聊，点“转人工”即可。',
    en: 'If you like, you can talk with a staff member (a person): tap "Talk to a person".',
  },
  clarify: {
    zh: '抱歉，我没有完全明白。你想了解下面哪个问题？也可以换个说法再问我。',
    en: 'Sorry, I did not quite understand. Which of these would you like to know about? You can also ask in other words.',
  },
  unreadable: {
    zh: '我只能读文字消息。请用文字告诉我你想了解什么；有危险请立即拨打 110。',
    en: 'I can only read text messages. Please tell me in words what you would like to know; in danger, call 110 now.',
  },
  tooLong: {
    zh: '你的消息很长，我已经收到并保存，工作人员可以看到全文。我先回答其中的主要问题。',
    en: 'Your message is long; I have received and saved it, and staff can read all of it. Here is an answer to the main question.',
  },
  failure: {
    zh: '抱歉，系统暂时出了问题，我现在无法回答。有危险请立即拨打 110（受伤拨 120）；也可以拨打妇联维权热线 12338。请稍后再试。',
    en: "Sorry, something went wrong on our side and I cannot answer right now. In danger, call 110 now (120 for an ambulance); you can also call the women's federation hotline 12338. Please try again in a moment.",
  },
  generalInfo: {
    zh: '以上是一般性信息，不是针对你个人情况的法律意见。',
    en: 'This is general information, not legal advice for your case.',
  },
  basis: { zh: '依据：', en: 'Based on: ' },
  reviewed: { zh: '更新于 ', en: 'Last reviewed ' },
  humanButton: { zh: '转人工', en: 'Talk to a person' },
} satisfies Record<string, Localized>;

/** The framing of every FAQ answer (its legal basis, the general-information note, the review date). */
export function answerWording(locale: Locale): AnswerWording {
  return { basis: MESSAGES.basis[locale], reviewed: MESSAGES.reviewed[locale], generalInfo: MESSAGES.generalInfo[locale] };
}
