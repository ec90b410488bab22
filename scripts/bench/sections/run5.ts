// Section `run5` (images): defined with its two siblings in scripts/bench/image-sections.ts, which share one fixture.
import { run5Section } from '../image-sections.js';

export const section = run5Section;
