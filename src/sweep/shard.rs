//! Shards: shard `K` of `N` runs samples `K, K + N, K + 2N, …`. The shard comes from
//! `--shard K/N`, or from the environment of a job array:
//!
//! - Slurm (`sbatch --array 0-2`): `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`; the
//!   index counts from `SLURM_ARRAY_TASK_MIN` (so `--array 1-3` works too).
//! - Kubernetes indexed Job (`completionMode: Indexed`): `JOB_COMPLETION_INDEX`, with the count
//!   from `--shard-count` or the variable `PARKENERGY_SHARD_COUNT` (set it to the Job's
//!   `completions`).

use std::fmt;

/// The environment variable giving the shard count of a Kubernetes indexed Job.
pub const SHARD_COUNT_ENV: &str = "PARKENERGY_SHARD_COUNT";

/// One shard of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Index, `0..count`.
    pub index: u64,
    /// Number of shards, at least 1.
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// A shard, checked.
    ///
    /// # Errors
    /// A message when `count` is 0 or `index` is not below it.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} must be below the shard count {count} (indices 0..{count})"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parse `K/N`.
    ///
    /// # Errors
    /// A message naming the expected form.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s}: expected K/N with 0 <= K < N, e.g. 0/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).map_err(|m| format!("--shard {s}: {m}"))
    }

    /// The shard from the environment of a job array, if there is one. `get` reads a variable
    /// (`std::env::var` in the CLI); `count_arg` is `--shard-count`.
    ///
    /// # Errors
    /// A message naming the variable when it is present but unusable.
    pub fn from_env(
        get: &dyn Fn(&str) -> Option<String>,
        count_arg: Option<u64>,
    ) -> Result<Option<Shard>, String> {
        let num = |name: &str| -> Result<Option<u64>, String> {
            match get(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}={v}: expected a whole number")),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let count = num("SLURM_ARRAY_TASK_COUNT")?.ok_or(
                "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm 18.08 or later sets it); give --shard K/N",
            )?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id
                .checked_sub(min)
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
            return Shard::new(index, count)
                .map(Some)
                .map_err(|m| format!("Slurm array task {id} of {count} (from {min}): {m}; use a contiguous --array range, or --shard K/N"));
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = match count_arg {
                Some(c) => c,
                None => num(SHARD_COUNT_ENV)?.ok_or(format!(
                    "JOB_COMPLETION_INDEX is set but the shard count is not: give --shard-count N or set {SHARD_COUNT_ENV} to the Job's completions"
                ))?,
            };
            return Shard::new(index, count)
                .map(Some)
                .map_err(|m| format!("Kubernetes completion index: {m}"));
        }
        Ok(None)
    }

    /// Whether sample `i` belongs to this shard.
    pub fn contains(&self, i: u64) -> bool {
        i % self.count == self.index
    }

    /// This shard's samples among `n`, in order.
    pub fn samples(&self, n: u64) -> impl Iterator<Item = u64> + use<> {
        (self.index..n).step_by(self.count as usize)
    }

    /// The folder name of a shard's outputs: `shard-K-of-N`.
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn shards_partition_the_samples() {
        let mut all: Vec<u64> = (0..3)
            .flat_map(|k| Shard::new(k, 3).unwrap().samples(10))
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(
            Shard::parse("1/3").unwrap().samples(10).collect::<Vec<_>>(),
            vec![1, 4, 7]
        );
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn slurm_and_kubernetes_environments() {
        let s = Shard::from_env(
            &env(&[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
            ]),
            None,
        );
        assert_eq!(s, Ok(Some(Shard { index: 2, count: 3 })));
        let k = Shard::from_env(
            &env(&[("JOB_COMPLETION_INDEX", "1"), (SHARD_COUNT_ENV, "4")]),
            None,
        );
        assert_eq!(k, Ok(Some(Shard { index: 1, count: 4 })));
        let k = Shard::from_env(&env(&[("JOB_COMPLETION_INDEX", "1")]), Some(2));
        assert_eq!(k, Ok(Some(Shard { index: 1, count: 2 })));
        assert!(Shard::from_env(&env(&[("JOB_COMPLETION_INDEX", "1")]), None).is_err());
        assert_eq!(Shard::from_env(&env(&[]), None), Ok(None));
    }
}
