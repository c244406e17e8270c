import { describe, expect, it } from 'vitest';
import { decide, type PolicyInput } from '../../src/core/policy.js';

const base: PolicyInput = { risk: 'none', intent: 'legal_aid', score: 0.9, minScore: 0.6, previousWasMiss: false };

describe('policy', () => {
  it('answers a confident topic when there is no danger', () => {
    expect(decide(base)).toEqual({ action: 'answer', topic: 'legal_aid' });
  });

  it('offers the menu when the classifier is unsure, and a person on the second miss in a row', () => {
    expect(decide({ ...base, score: 0.3 })).toMatchObject({ action: 'clarify', miss: 'clarify' });
    expect(decide({ ...base, score: 0.3, previousWasMiss: true })).toMatchObject({ action: 'offer_human' });
  });

  it('treats an off-topic message as a miss: kind answer first, a person after two', () => {
    expect(decide({ ...base, intent: 'out_of_scope' })).toMatchObject({ action: 'clarify', miss: 'out_of_scope' });
    expect(decide({ ...base, intent: 'out_of_scope', previousWasMiss: true })).toMatchObject({ action: 'offer_human' });
  });

  it('hands over when she asks for a person', () => {
    expect(decide({ ...base, intent: 'human.request' })).toEqual({ action: 'handoff' });
  });

  it('puts danger before the classifier', () => {
    expect(decide({ ...base, risk: 'imminent' }).action).toBe('emergency');
    expect(decide({ ...base, risk: 'high', intent: 'greeting' }).action).toBe('handoff');
    expect(decide({ ...base, risk: 'imminent', score: 0 }).action).toBe('emergency');
  });

  it('answers and offers a person when abuse was disclosed', () => {
    expect(decide({ ...base, risk: 'elevated' })).toEqual({ action: 'offer_human', topic: 'legal_aid' });
    expect(decide({ ...base, risk: 'elevated', score: 0.1 }).action).toBe('offer_human');
  });
});
