//! The park at two sizes: the default Yongzhou park (214 enterprises) and the same park with
//! every group scaled to 5,000 enterprises, each run as `parkenergy run` does (streaming, the
//! rows handed to a sink). Reports the time per enterprise (criterion) and the peak heap bytes
//! per enterprise of one run (a counting allocator, printed before the timings), so that
//! memory is seen not to grow with the park beyond the per-row results.

use criterion::{Criterion, criterion_group, criterion_main};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: as the caller's contract for `alloc`.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: as the caller's contract for `dealloc`.
        unsafe { System.dealloc(p, l) };
        IN_USE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn plan_of(total: u32) -> parkenergy::scenario::Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/yongzhou-etdz.toml");
    let mut plan = parkenergy::scenario::load(&path).expect("default scenario loads");
    // The claims under the second tariff version would run the park twice.
    plan.claims.tariff_versions.clear();
    let now: u32 = plan.groups.iter().map(|g| g.count).sum();
    let mut left = total;
    let n = plan.groups.len();
    for (i, g) in plan.groups.iter_mut().enumerate() {
        g.count = if i + 1 == n {
            left
        } else {
            (u64::from(g.count) * u64::from(total) / u64::from(now)) as u32
        };
        left -= g.count;
    }
    plan
}

fn run(plan: &parkenergy::scenario::Plan) -> usize {
    let opts = parkenergy::park::RunOptions {
        compact: true,
        stream_series: true,
        ..Default::default()
    };
    let mut rows = 0usize;
    let out = parkenergy::park::run_streaming(plan, &opts, &mut |c| {
        let mut s = String::new();
        for e in c.enterprises {
            parkenergy::report::tables::bill_rows(&mut s, e);
        }
        rows += s.len();
        Ok(())
    })
    .expect("park runs");
    out.result.enterprises.len() + rows.min(1)
}

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("park_scale");
    g.sample_size(10);
    for n in [214u32, 5_000] {
        let plan = plan_of(n);
        let before = IN_USE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        run(&plan);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        eprintln!(
            "park_scale/{n}: peak heap {:.1} MB, {:.1} kB per enterprise",
            peak as f64 / 1e6,
            peak as f64 / 1e3 / f64::from(n)
        );
        g.bench_function(format!("enterprises_{n}"), |b| b.iter(|| run(&plan)));
    }
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
