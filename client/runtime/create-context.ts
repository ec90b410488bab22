// What every new container starts from, for `run` and for `create`: the paths (with the one-time warnings
// about them), the stores, the resolved image and a fresh id.
import { pinImage } from '../image/pins.js';
import { ImageStore, type ImageRecord } from '../image/store.js';
import type { Logger } from '../log.js';
import { ensurePrivateDir, resolvePaths, type MyctrPaths } from '../paths.js';
import { ContainerStore } from './container-store.js';
import { currentUserIdMap, subIdHint } from './idmap.js';
import { newContainerId } from './names.js';

export interface CreateContext {
  paths: MyctrPaths;
  images: ImageStore;
  image: ImageRecord;
  store: ContainerStore;
  id: string;
}

export function openCreateContext(imageRef: string, log: Logger): CreateContext {
  const paths = resolvePaths();
  if (paths.runRootFallback) log.warn(`XDG_RUNTIME_DIR is not set or not yours; using ${paths.runRoot}`);
  if (paths.rootless && currentUserIdMap().single) {
    log.warn(`no subordinate id range for this user: only uid 0 is mapped in the container; ${subIdHint()}`);
  }
  ensurePrivateDir(paths.root);
  ensurePrivateDir(paths.runRoot);
  const images = ImageStore.open(paths);
  // Pinned until this process exits: an rmi running now either finished first or refuses (client/image/pins.ts).
  const image = pinImage(images, imageRef);
  return { paths, images, image, store: new ContainerStore(paths), id: newContainerId() };
}
