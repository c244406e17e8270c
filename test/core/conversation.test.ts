import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, botMayAnswer, transition } from '../../src/core/conversation.js';

describe('conversation states', () => {
  it('goes bot -> queued -> agent -> bot', () => {
    const queued = transition({ state: 'bot' }, { type: 'enqueue' });
    expect(queued).toEqual({ state: 'queued' });
    const agent = transition(queued, { type: 'claim', agent: 'li' });
    expect(agent).toEqual({ state: 'agent', assignee: 'li' });
    expect(transition(agent, { type: 'transfer', to: 'wang' })).toEqual({ state: 'agent', assignee: 'wang' });
    expect(transition(agent, { type: 'release' })).toEqual({ state: 'queued' });
    expect(transition(agent, { type: 'resolve' })).toEqual({ state: 'bot' });
  });

  it('refuses illegal moves with a typed error', () => {
    expect(() => transition({ state: 'bot' }, { type: 'claim', agent: 'li' })).toThrow(IllegalTransitionError);
    expect(() => transition({ state: 'agent', assignee: 'li' }, { type: 'claim', agent: 'wang' })).toThrow(
      /cannot claim a conversation in state agent/,
    );
    expect(() => transition({ state: 'closed' }, { type: 'close' })).toThrow(IllegalTransitionError);
    expect(() => transition({ state: 'agent', assignee: 'li' }, { type: 'transfer', to: 'li' })).toThrow(IllegalTransitionError);
  });

  it('closes from any open state', () => {
    for (const state of ['bot', 'queued', 'agent'] as const) {
      expect(transition({ state }, { type: 'close' })).toEqual({ state: 'closed' });
    }
  });

  it('lets the bot answer only in the bot state', () => {
    expect(botMayAnswer('bot')).toBe(true);
    expect(botMayAnswer('queued')).toBe(false);
    expect(botMayAnswer('agent')).toBe(false);
  });
});
