// Only the version is taken: Vite's JSON import leaves the rest of package.json out of the bundle.
import { version } from '../../package.json';

/** package.json's version, written into every result file. */
export const LAB_VERSION: string = version;
