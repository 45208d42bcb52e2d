// Test-only child process: decodes the PNG file named by argv[2] and prints, as JSON, how far the
// decode raised the process's peak resident memory, and the decoded size.
import { loadImage } from '../image/load-image.js';

const path = process.argv[2]!;
const before = process.resourceUsage().maxRSS;
const image = await loadImage(path);
const growth = (process.resourceUsage().maxRSS - before) * 1024;
const report = {
  growthBytes: growth,
  decodedBytes: image.data.length,
  channels: image.channels,
  firstPixel: Array.from(image.data.subarray(0, 4)),
};
console.log(JSON.stringify(report));
