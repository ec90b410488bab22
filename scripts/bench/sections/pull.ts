// Section `pull` (images): defined with its two siblings in scripts/bench/image-sections.ts, which share one fixture.
import { pullSection } from '../image-sections.js';

export const section = pullSection;
