// Logto's jest config for its API tests, with one setup file swapped: jest.setup.mock.js replaces
// jest.setup.api.js (copied next to jest.config.js by run.sh; test files are unchanged).
import config from './jest.config.js';

/** @type {import('jest').Config} */
const mockConfig = {
  ...config,
  setupFilesAfterEnv: config.setupFilesAfterEnv.map((file) =>
    file === './jest.setup.api.js' ? './jest.setup.mock.js' : file
  ),
};

export default mockConfig;
