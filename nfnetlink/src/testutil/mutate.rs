//! Deterministic mutation of byte strings for the hostile-input tests of
//! every crate (TEST-PLAN Z1/Z2/Z6): a xorshift generator, no dependency,
//! the same cases on every run.

#![allow(clippy::cast_possible_truncation)]

/// A xorshift64 generator.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits. (Not an `Iterator`: the stream never ends, and callers
    /// read it a word at a time.)
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Applies 1–4 random mutations: flip a byte, cut the tail, set a 16-bit
/// length-looking field to an extreme, or append junk.
pub fn mutate(rng: &mut Rng, buf: &mut Vec<u8>) {
    for _ in 0..(1 + rng.below(4)) {
        match rng.below(4) {
            0 if !buf.is_empty() => {
                let i = rng.below(buf.len());
                buf[i] = rng.next() as u8;
            }
            1 => {
                let cut = rng.below(buf.len() + 1);
                buf.truncate(cut);
            }
            2 if buf.len() >= 2 => {
                let i = rng.below(buf.len() - 1) & !1;
                let v = [0u16, 1, 3, 4, 15, 16, 0xffff][rng.below(7)];
                buf[i..i + 2].copy_from_slice(&v.to_ne_bytes());
            }
            _ => {
                let n = rng.below(8);
                buf.extend(rng.bytes(n));
            }
        }
    }
}

/// Runs `check` on `rounds` mutations of each seed and on `rounds` random
/// strings; `check` must not panic.
pub fn hammer(seeds: &[Vec<u8>], rounds: usize, mut check: impl FnMut(&[u8])) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..rounds {
        let len = rng.below(200);
        check(&rng.bytes(len));
        for seed in seeds {
            let mut b = seed.clone();
            mutate(&mut rng, &mut b);
            check(&b);
        }
    }
}
