// A seeded random number generator for the tests that pick inputs at random (edit sequences,
// hostile functions, model noise): the same seed gives the same sequence on every platform, so a
// failure names the seed that reproduces it.
'use strict';

/**
 * mulberry32: small, fast and good enough to pick inputs with.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { prng };
