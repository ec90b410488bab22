// The image store's atomic writes are the shared ones (client/storage/atomic.ts).
export { fsyncDir, tempPathFor, writeFileAtomic, writeJsonAtomic } from '../storage/atomic.js';
