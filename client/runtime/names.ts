// Container ids (64 hex, as Docker) and generated names (adjective_noun, as Docker).
import { randomBytes } from '../random.js';

const ADJECTIVES = ['admiring', 'brave', 'calm', 'clever', 'eager', 'epic', 'focused', 'gallant', 'happy',
  'hopeful', 'jolly', 'keen', 'kind', 'lucid', 'modest', 'nifty', 'quirky', 'relaxed', 'serene', 'sharp',
  'stoic', 'tender', 'upbeat', 'vibrant', 'wizardly', 'zealous'];
const NOUNS = ['archimedes', 'babbage', 'curie', 'darwin', 'einstein', 'feynman', 'galileo', 'hopper',
  'hypatia', 'kepler', 'lovelace', 'meitner', 'newton', 'noether', 'pascal', 'ritchie', 'shannon',
  'thompson', 'turing', 'wozniak'];

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function generateName(): string {
  const pick = (list: readonly string[]) => list[randomBytes(1)[0]! % list.length]!;
  return `${pick(ADJECTIVES)}_${pick(NOUNS)}`;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}
