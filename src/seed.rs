//! Deterministic seed derivation: every random stream in parkenergy is seeded from the scenario
//! seed and the indices of what it belongs to (sample, enterprise, purpose), never from thread
//! scheduling or the clock, so results are byte-identical for any thread count.

/// One SplitMix64 step: a bijective 64-bit mixer.
///
/// # References
/// G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number generators,"
/// OOPSLA 2014, pp. 453-472. <https://doi.org/10.1145/2660193.2660195>
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derive a seed from a base seed and a path of indices, e.g.
/// `derive(scenario_seed, &[sample, enterprise, streams::LOAD])`.
pub fn derive(base: u64, path: &[u64]) -> u64 {
    path.iter()
        .fold(splitmix64(base), |acc, &p| splitmix64(acc ^ splitmix64(p)))
}

/// Named stream identifiers, so that two models never share a random stream.
pub mod streams {
    /// Load archetype noise.
    pub const LOAD: u64 = 1;
    /// Enterprise-group sampling (sizes, roofs, power factors).
    pub const GROUP: u64 = 2;
    /// Synthetic weather.
    pub const WEATHER: u64 = 3;
    /// Market forecast error.
    pub const MARKET: u64 = 4;
    /// Sweep sampling.
    pub const SWEEP: u64 = 5;
    /// Bootstrap resamples of a sweep's sensitivity indices.
    pub const SENSITIVITY: u64 = 6;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_stable_and_order_sensitive() {
        assert_eq!(derive(42, &[1, 2]), derive(42, &[1, 2]));
        assert_ne!(derive(42, &[1, 2]), derive(42, &[2, 1]));
        assert_ne!(derive(42, &[1]), derive(43, &[1]));
        // Pinned value: changing the derivation changes every seeded result.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
