// Section `load` (images): defined with its two siblings in scripts/bench/image-sections.ts, which share one fixture.
import { loadSection } from '../image-sections.js';

export const section = loadSection;
