// SPDX-License-Identifier: Apache-2.0
// Three projects: fast unit specs beside the code (and the console's, under web/), e2e specs that
// start the real app, and browser specs that drive the web console against it.
// satellite.js 7 ships ESM only; Jest (on Node < 24.9) cannot require() ESM, so it is transpiled.
const transform = {
  '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
};
const transformIgnorePatterns = ['/node_modules/(?!satellite\\.js/)'];

const base = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // Its exports map offers only "import"; point Jest's CommonJS resolver at the same file.
  moduleNameMapper: { '^satellite\\.js$': '<rootDir>/node_modules/satellite.js/dist/index.js' },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      rootDir: '.',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
        '<rootDir>/web/src/**/*.spec.ts',
      ],
    },
    {
      ...base,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
    {
      // The web console driven in Debian's Chromium (playwright-core); builds the console first.
      ...base,
      displayName: 'browser',
      rootDir: '.',
      testMatch: ['<rootDir>/test/browser/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/build-console.ts',
    },
  ],
  // e2e specs start a whole server; a stuck one should fail, but not at the 5 s default.
  testTimeout: 60000,
};
