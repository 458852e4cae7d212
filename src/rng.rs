//! Random streams keyed by (seed, draw, component).
//!
//! Every consumer of randomness in a draw (the economy, one uncertain parameter, one wijk's
//! noise for one indicator, ...) gets its own generator, seeded from the run seed, the draw
//! index and a stable 64-bit key of the component's name. Adding a component therefore never
//! changes the numbers another component sees (common random numbers), and results do not
//! depend on the thread that runs a draw.
//!
//! The generator is [`Xoshiro256PlusPlus`] from `rand_xoshiro`, whose output is documented as
//! stable across versions; the seed expansion below is our own, fixed and tested.

use rand::SeedableRng;
pub use rand_xoshiro::Xoshiro256PlusPlus as StreamRng;

/// A stable 64-bit key for a component name (FNV-1a). Never changes between versions.
pub fn component_key(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser: a bijective 64-bit mixer.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator for one component of one draw.
pub fn stream(seed: u64, draw: u64, component: u64) -> StreamRng {
    let mut state =
        mix64(mix64(mix64(seed) ^ draw.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ component);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        chunk.copy_from_slice(&mix64(state).to_le_bytes());
    }
    StreamRng::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn component_key_is_fnv1a() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(component_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(component_key("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn streams_are_stable_and_distinct() {
        let a = stream(1, 0, component_key("economy")).next_u64();
        let b = stream(1, 0, component_key("economy")).next_u64();
        let c = stream(1, 1, component_key("economy")).next_u64();
        let d = stream(2, 0, component_key("economy")).next_u64();
        let e = stream(1, 0, component_key("params")).next_u64();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e && c != d);
        // Value stability: this number must never change, or every saved result changes.
        assert_eq!(stream(42, 7, component_key("economy")).next_u64(), PINNED);
    }

    /// First output of stream (seed 42, draw 7, "economy"), recorded when the scheme was fixed.
    const PINNED: u64 = 7_339_976_959_297_567_810;
}
