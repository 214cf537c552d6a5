#!/usr/bin/env node
import { createRequire as __soxCreateRequire } from 'node:module'; const require = __soxCreateRequire(import.meta.url);
import {
  require_dist
} from "./cli-WVEM2DN3.js";
import "./cli-6SERIQ4Y.js";
export default require_dist();
