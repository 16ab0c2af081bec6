//! A progress line on stderr for work that takes more than a second, shown only when stderr is
//! a terminal: count, total, rate and estimated time left.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running progress display; [`Bar::finish`] stops it and clears its line.
pub struct Bar {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    /// Start watching `done` (out of `total` `what`); draws nothing unless stderr is a terminal
    /// and the work has run for a second.
    pub fn start(done: Arc<AtomicUsize>, total: usize, what: &'static str) -> Bar {
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Bar { stop, handle: None };
        }
        let s = stop.clone();
        let handle = std::thread::spawn(move || {
            let t0 = Instant::now();
            let mut drawn = false;
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = t0.elapsed().as_secs_f64();
                if elapsed < 1.0 {
                    continue;
                }
                let n = done.load(Ordering::Relaxed).min(total);
                let rate = n as f64 / elapsed;
                let eta = if rate > 0.0 {
                    (total - n) as f64 / rate
                } else {
                    f64::NAN
                };
                let width = 30;
                let fill = (n * width).checked_div(total).unwrap_or(width);
                eprint!(
                    "\r[{}{}] {n}/{total} {what}  {rate:.1}/s  ETA {eta:.0} s ",
                    "=".repeat(fill),
                    " ".repeat(width - fill)
                );
                let _ = std::io::stderr().flush();
                drawn = true;
            }
            if drawn {
                eprint!("\r{}\r", " ".repeat(80));
            }
        });
        Bar {
            stop,
            handle: Some(handle),
        }
    }

    /// Stop and clear the line.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
