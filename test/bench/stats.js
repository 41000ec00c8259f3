// Order statistics of timing samples for the benchmark sections: the median and the 95th
// percentile as the tables report them (the sample at index ⌊n/2⌋, and at ⌊0.95·n⌋).
'use strict';

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function medianAndP95(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
}

module.exports = { median, medianAndP95 };
