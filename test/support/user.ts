/** A woman's side of the chat in tests: a Direct Line conversation, as the widget would open it. */
export interface UserChat {
  conversationId: string;
  token: string;
}

export async function openChat(base: string): Promise<UserChat> {
  const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`opening a chat failed: ${res.status}`);
  return (await res.json()) as UserChat;
}

/** Sends one message and returns the texts the bot answered it with (the turn completes before the POST does). */
export async function say(base: string, chat: UserChat, text: string, locale = 'zh-CN'): Promise<string[]> {
  const before = await botTexts(base, chat);
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, locale, from: { id: 'u' } }),
  });
  if (!res.ok) throw new Error(`sending failed: ${res.status}`);
  return (await botTexts(base, chat)).slice(before.length);
}

export async function botTexts(base: string, chat: UserChat): Promise<string[]> {
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` } });
  const body = (await res.json()) as { activities: { type: string; text?: string; from: { role?: string; id: string } }[] };
  return body.activities.filter((a) => a.type === 'message' && a.from.role !== 'user' && a.from.id !== 'u').map((a) => a.text ?? '');
}
