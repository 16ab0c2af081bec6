//! Progress on stderr for work that takes more than a second: on a terminal an `indicatif` bar
//! redrawn in place (count, total, rate and estimated time left); otherwise (a log file, a
//! batch job) one line every few seconds with the count, the total, the elapsed time and the
//! time left, so that long work is never silent.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Seconds between two progress lines when stderr is not a terminal, unless
/// [`PROGRESS_SECS_VAR`] says otherwise.
pub const LOG_EVERY_SECS: u64 = 5;

/// The environment variable that sets the seconds between two progress lines of a log.
pub const PROGRESS_SECS_VAR: &str = "PARKENERGY_PROGRESS_SECS";

/// The interval between two progress lines of a log: [`PROGRESS_SECS_VAR`] when it holds a
/// number of seconds in 0..=86400, else [`LOG_EVERY_SECS`].
pub fn log_every() -> Duration {
    std::env::var(PROGRESS_SECS_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| (0.0..=86_400.0).contains(s))
        .map_or(Duration::from_secs(LOG_EVERY_SECS), Duration::from_secs_f64)
}

/// A running progress display; [`Bar::finish`] stops it and clears its line (on a terminal)
/// or writes the last count (in a log that got progress lines).
pub struct Bar {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

/// Where and how progress is shown.
enum Mode {
    /// Redraw one line in place (a terminal).
    Bar,
    /// A new line every `every` to this sink (a log).
    Lines {
        every: Duration,
        sink: Arc<Mutex<dyn Write + Send>>,
    },
}

/// `secs` as `m:ss`, or `--:--` when unknown.
pub fn clock(secs: f64) -> String {
    if secs.is_finite() && secs >= 0.0 {
        let s = secs.round() as u64;
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        "--:--".into()
    }
}

/// (rate per second, seconds left) after `n` of `total` in `elapsed` seconds.
fn rate_eta(n: usize, total: usize, elapsed: f64) -> (f64, f64) {
    let rate = if elapsed > 0.0 {
        n as f64 / elapsed
    } else {
        0.0
    };
    let eta = if rate > 0.0 {
        (total - n) as f64 / rate
    } else {
        f64::NAN
    };
    (rate, eta)
}

/// One progress line of a log: `  120/214 enterprises (56%), 0:12 elapsed, ETA 0:09`.
pub fn log_line(n: usize, total: usize, what: &str, elapsed: f64) -> String {
    let (_, eta) = rate_eta(n, total, elapsed);
    let pct = (n * 100).checked_div(total).unwrap_or(100);
    format!(
        "  {n}/{total} {what} ({pct}%), {} elapsed, ETA {}",
        clock(elapsed),
        clock(eta)
    )
}

/// The style of every terminal bar: `[=====>    ] 120/214 enterprises  35.2/s  ETA 0:03`.
pub fn bar_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(
        "[{bar:30.cyan/blue}] {pos}/{len} {msg}  {per_sec}  ETA {eta_precise}",
    )
    .expect("the template is valid (checked by a test)")
    .progress_chars("=> ")
}

/// A bar on stderr of `total` steps named `what`.
pub fn terminal_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    b.set_style(bar_style());
    b.set_message(what.to_string());
    b
}

impl Bar {
    /// Start watching `done` (out of `total` `what`): a bar on a terminal, a line every
    /// [`LOG_EVERY_SECS`] otherwise; nothing in the first second.
    pub fn start(done: Arc<AtomicUsize>, total: usize, what: &'static str) -> Bar {
        let mode = if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines {
                every: log_every(),
                sink: Arc::new(Mutex::new(std::io::stderr())),
            }
        };
        Bar::start_in(done, total, what, mode)
    }

    fn start_in(done: Arc<AtomicUsize>, total: usize, what: &'static str, mode: Mode) -> Bar {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let handle = std::thread::spawn(move || {
            let t0 = Instant::now();
            let mut bar: Option<indicatif::ProgressBar> = None;
            let mut last_line: Option<Instant> = None;
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let elapsed = t0.elapsed().as_secs_f64();
                let n = done.load(Ordering::Relaxed).min(total);
                match &mode {
                    Mode::Bar => {
                        if elapsed < 1.0 {
                            continue;
                        }
                        let b = bar.get_or_insert_with(|| terminal_bar(total as u64, what));
                        b.set_position(n as u64);
                    }
                    Mode::Lines { every, sink } => {
                        let due =
                            last_line.map_or(t0.elapsed() >= *every, |l| l.elapsed() >= *every);
                        if due {
                            last_line = Some(Instant::now());
                            if let Ok(mut w) = sink.lock() {
                                let _ = writeln!(w, "{}", log_line(n, total, what, elapsed));
                                let _ = w.flush();
                            }
                        }
                    }
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            // A log that got progress lines ends with the finished count.
            if let (Some(_), Mode::Lines { sink, .. }) = (last_line, &mode)
                && let Ok(mut w) = sink.lock()
            {
                let n = done.load(Ordering::Relaxed).min(total);
                let _ = writeln!(
                    w,
                    "{}",
                    log_line(n, total, what, t0.elapsed().as_secs_f64())
                );
                let _ = w.flush();
            }
        });
        Bar {
            stop,
            handle: Some(handle),
        }
    }

    /// Stop and clear the line.
    pub fn finish(self) {
        drop(self);
    }
}

impl Drop for Bar {
    /// Stop the display on every path, an early return on error included.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_gets_a_line_with_count_total_and_eta_every_interval() {
        let sink = Arc::new(Mutex::new(Vec::<u8>::new()));
        let done = Arc::new(AtomicUsize::new(0));
        let bar = Bar::start_in(
            done.clone(),
            10,
            "enterprises",
            Mode::Lines {
                every: Duration::from_millis(100),
                sink: sink.clone(),
            },
        );
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(120));
            done.fetch_add(1, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(150));
        bar.finish();
        let text = String::from_utf8(sink.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() >= 3, "{text}");
        assert!(
            lines
                .iter()
                .all(|l| l.contains("/10 enterprises") && l.contains("ETA")),
            "{text}"
        );
        assert!(text.contains("4/10 enterprises (40%)"), "{text}");
    }

    #[test]
    fn the_terminal_bar_counts_and_names_its_work() {
        let _ = bar_style();
        let b = indicatif::ProgressBar::with_draw_target(
            Some(10),
            indicatif::ProgressDrawTarget::hidden(),
        );
        b.set_style(bar_style());
        b.set_message("enterprises");
        b.set_position(4);
        assert_eq!((b.position(), b.length()), (4, Some(10)));
        assert_eq!(b.message(), "enterprises");
    }

    #[test]
    fn clock_and_line_read_well() {
        assert_eq!(clock(75.4), "1:15");
        assert_eq!(clock(f64::NAN), "--:--");
        assert_eq!(
            log_line(50, 200, "samples", 10.0),
            "  50/200 samples (25%), 0:10 elapsed, ETA 0:30"
        );
        assert_eq!(
            log_line(0, 0, "files", 0.0),
            "  0/0 files (100%), 0:00 elapsed, ETA --:--"
        );
    }
}
