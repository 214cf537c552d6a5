import { createRequire as __soxCreateRequire } from 'node:module'; const require = __soxCreateRequire(import.meta.url);
import {
  require_dist
} from "./action-D25XEQCQ.js";
import "./action-NWMVZB67.js";
export default require_dist();
