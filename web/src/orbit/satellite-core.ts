// SPDX-License-Identifier: Apache-2.0
/**
 * satellite.js without its WebAssembly builds. Its index also exports a wasm/pthreads variant
 * (top-level await, node:worker_threads) that a browser bundle cannot hold; src/orbit uses only
 * the plain JavaScript SGP4 and transforms, so vite.config.mts points `satellite.js` here for the
 * console. The package's exports map names only its index, hence the paths into its dist/.
 */
export * as constants from '../../../node_modules/satellite.js/dist/constants.js';
export { jday, invjday } from '../../../node_modules/satellite.js/dist/ext.js';
export { twoline2satrec, json2satrec } from '../../../node_modules/satellite.js/dist/io.js';
export { propagate, sgp4, gstime } from '../../../node_modules/satellite.js/dist/propagation.js';
export {
  degreesToRadians,
  ecfToLookAngles,
  eciToEcf,
  eciToGeodetic,
  geodeticToEcf,
  radiansToDegrees,
} from '../../../node_modules/satellite.js/dist/transforms.js';
export { SatRecError } from '../../../node_modules/satellite.js/dist/propagation/SatRec.js';
export * from '../../../node_modules/satellite.js/dist/common-types.js';
