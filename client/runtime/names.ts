// Container ids (64 hex, as Docker) and generated names (adjective_noun, as Docker).
import { randomBytes } from '../random.js';
import type { ContainerStore } from './container-store.js';
import { MyctrError } from './errors.js';

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

/** Reserves `spec.name` for the container (ContainerStore.reserveName). A generated name that is taken is
 *  drawn again, as Docker does: with 520 names, a store of a few containers clashes now and then. A name
 *  the user chose is an error. */
export function reserveContainerName(store: Pick<ContainerStore, 'reserveName'>, spec: { name: string; id: string },
  generated: boolean, draw: () => string = generateName): void {
  for (let attempt = 0; ; attempt++) {
    try {
      store.reserveName(spec.name, spec.id);
      return;
    } catch (err) {
      if (!generated || attempt >= 20 || !(err instanceof MyctrError && err.code === 'MYCTR_CONFLICT')) throw err;
      // Past a few clashes the word list is crowded: add a digit, as Docker's namesgenerator retry does.
      spec.name = attempt < 5 ? draw() : `${draw()}${attempt}`;
    }
  }
}
