//! The command line: argument parsing (clap), the subcommands, and the mapping of outcomes to
//! [`Failure`] (bad input → exit 2, anything else → exit 1). Only this module prints.

mod plot;
pub mod progress;
pub mod pv;
mod solve;
mod sweep;

use crate::scenario::{self, Plan};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// The commented template written by `parkenergy init`.
pub const TEMPLATE_TOML: &str = include_str!("template.toml");

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The user's input (arguments, scenario, data files) is wrong; the message says how. Exit 2.
    BadInput(String),
    /// Anything else (I/O on output, a bug). Exit 1.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

impl From<scenario::ScenarioError> for Failure {
    fn from(e: scenario::ScenarioError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "parkenergy",
    version,
    about = "Energy-cost optimization simulator for the enterprises of an industrial park in China (园区企业用能成本优化)",
    long_about = "parkenergy simulates every enterprise of an industrial park hour by hour over a year under \
tariff category optimization (分类优化), market trading (市场化交易), rooftop PV (屋顶光伏) and user-side \
storage (用户侧储能), and checks the park's totals against a zone report's claims.\n\n\
Exit codes: 0 ok, 2 bad input (the message says what and where), 1 internal error.",
    after_help = "Example:\n  parkenergy run scenarios/yongzhou-etdz.toml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write its reports to output/<scenario-name>/.
    #[command(after_help = "Example:\n  parkenergy run scenarios/yongzhou-etdz.toml --out /tmp/yz")]
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Output folder (default: output/<scenario-name>/ under the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write one CSV of hourly (per-step) series per enterprise.
        #[arg(long)]
        hourly: bool,
        /// Worker threads (default: all cores); 1 runs sequentially.
        #[arg(long)]
        threads: Option<usize>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Language of chart labels: en or zh.
        #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
        lang: String,
    },
    /// Run the scenario's [sweep]: a parameter grid or Monte Carlo study.
    #[command(
        after_help = "Example:\n  parkenergy sweep scenarios/claims-uncertainty.toml --samples 200 --shard 0/4"
    )]
    Sweep {
        /// The scenario file (TOML) with a [sweep] section.
        scenario: PathBuf,
        /// Output folder (default: output/<scenario-name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override the sample count of a Monte Carlo or Latin hypercube sweep.
        #[arg(long)]
        samples: Option<u32>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard K of N (every N-th sample from K), e.g. 0/4. Without it the shard
        /// is read from a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a
        /// Kubernetes indexed Job (JOB_COMPLETION_INDEX); a shard writes into
        /// <out>/shard-K-of-N/.
        #[arg(long)]
        shard: Option<String>,
        /// Shard count of a Kubernetes indexed Job (its `completions`); also read from
        /// PARKENERGY_SHARD_COUNT.
        #[arg(long)]
        shard_count: Option<u64>,
        /// Finish an interrupted sweep without recomputing finished samples.
        #[arg(long)]
        resume: bool,
        /// Language of chart labels: en or zh.
        #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
        lang: String,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Find the value of a scenario key at which a claim's margin crosses zero (break-even).
    #[command(
        after_help = "Example:\n  parkenergy solve scenarios/yongzhou-etdz.toml --claim pv_saving_yuan_per_year --vary pv.emc_discount_fraction --range 0.1..0.3"
    )]
    Solve {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// The claim: cost_reduction_fraction or pv_saving_yuan_per_year.
        #[arg(long)]
        claim: String,
        /// The number key to vary, e.g. pv.emc_discount_fraction.
        #[arg(long)]
        vary: String,
        /// Values to search, `a..b` (default: the key's valid range when it is bounded).
        #[arg(long)]
        range: Option<String>,
        /// Absolute tolerance on the value, in the key's unit.
        #[arg(long, default_value_t = 1e-3)]
        tolerance: f64,
        /// Output folder for breakeven.json (default: output/<scenario-name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check a scenario file and print what it resolves to, without simulating.
    #[command(after_help = "Example:\n  parkenergy check scenarios/yongzhou-etdz.toml")]
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Write a commented template scenario to start from.
    #[command(
        after_help = "Example:\n  parkenergy init my-park.toml && parkenergy check my-park.toml"
    )]
    Init {
        /// Where to write it (default: scenario.toml). An existing file is never overwritten.
        path: Option<PathBuf>,
    },
    /// Redraw the charts of a finished run or sweep from its written results (`--lang zh`
    /// writes `NAME.zh.png` beside the English `NAME.png`).
    #[command(
        after_help = "Example:\n  parkenergy plot output/yongzhou-etdz --lang zh\n  parkenergy plot output/yongzhou-etdz --enterprise battery-020\n  parkenergy plot output/yongzhou-etdz --enterprise battery-020 --strategy tariff+pv"
    )]
    Plot {
        /// The output folder of a run or sweep.
        output_dir: PathBuf,
        /// Draw the typical days of this enterprise (under the strategy with every measure)
        /// instead of the largest one.
        #[arg(long)]
        enterprise: Option<String>,
        /// Draw the typical days under this strategy instead of the one with every measure
        /// (recomputed from the run's scenario, which must be unchanged since the run).
        #[arg(long)]
        strategy: Option<String>,
        /// Language of chart labels: en or zh.
        #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
        lang: String,
    },
    /// Check that a run's output folder is whole: every file its run.json lists, with the same
    /// size and SHA-256, and no other file.
    #[command(after_help = "Example:\n  parkenergy verify output/yongzhou-etdz")]
    Verify {
        /// The output folder of a run.
        output_dir: PathBuf,
    },
    /// Join the outputs of sweep shards into one sweep and write its summary and chart data.
    #[command(
        after_help = "Example:\n  parkenergy merge out/shard-0-of-3 out/shard-1-of-3 out/shard-2-of-3 --out out/merged\n  parkenergy merge out --out out/merged    (every out/shard-* folder)"
    )]
    Merge {
        /// The shard output folders.
        #[arg(required = true)]
        shard_dirs: Vec<PathBuf>,
        /// Output folder of the merged sweep (default: <first shard dir>/merged).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Language of chart labels: en or zh.
        #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
        lang: String,
    },
    /// Quick PV estimate for one roof, without a scenario file (PVWatts v8 defaults).
    #[command(
        after_help = "Example:\n  parkenergy pv --tilt-deg 15 --azimuth-deg 180 --dc-kw 500\n  parkenergy pv --weather changsha.epw --dc-kw 500 --json"
    )]
    Pv(pv::PvArgs),
}

/// Parse the command line and run the subcommand.
///
/// # Errors
/// [`Failure::BadInput`] for wrong input (exit 2), [`Failure::Internal`] otherwise (exit 1).
pub fn run() -> Result<(), Failure> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { scenario } => check(&scenario),
        Command::Solve {
            scenario,
            claim,
            vary,
            range,
            tolerance,
            out,
            threads,
        } => {
            set_threads(threads)?;
            solve::solve(&scenario, &claim, &vary, range.as_deref(), tolerance, out)
        }
        Command::Init { path } => init(path.as_deref().unwrap_or(Path::new("scenario.toml"))),
        Command::Run {
            scenario,
            out,
            hourly,
            threads,
            quiet,
            lang,
        } => {
            set_threads(threads)?;
            run_scenario(&scenario, out.as_deref(), hourly, quiet, parse_lang(&lang))
        }
        Command::Sweep {
            scenario,
            out,
            samples,
            threads,
            shard,
            shard_count,
            resume,
            lang,
            quiet,
        } => {
            set_threads(threads)?;
            sweep::sweep(&sweep::SweepArgs {
                scenario,
                out,
                samples,
                shard,
                shard_count,
                resume,
                quiet,
                lang: parse_lang(&lang),
            })
        }
        Command::Plot {
            output_dir,
            lang,
            enterprise,
            strategy,
        } => plot(
            &output_dir,
            parse_lang(&lang),
            enterprise.as_deref(),
            strategy.as_deref(),
        ),
        Command::Verify { output_dir } => verify(&output_dir),
        Command::Merge {
            shard_dirs,
            out,
            lang,
        } => sweep::merge(&shard_dirs, out.as_deref(), parse_lang(&lang)),
        Command::Pv(a) => pv::run(&a),
    }
}

fn parse_lang(s: &str) -> crate::report::charts::Lang {
    if s == "zh" {
        crate::report::charts::Lang::Zh
    } else {
        crate::report::charts::Lang::En
    }
}

fn plot(
    dir: &Path,
    lang: crate::report::charts::Lang,
    enterprise: Option<&str>,
    strategy: Option<&str>,
) -> Result<(), Failure> {
    // Checked before the lock, which would create the folder's parent.
    if !dir.is_dir() {
        return Err(Failure::BadInput(format!(
            "{} is not a folder; give the output folder of a finished `parkenergy run` or sweep",
            dir.display()
        )));
    }
    let _lock = crate::report::folder::lock(dir).map_err(Failure::BadInput)?;
    let data_path = dir.join("charts/chart-data.json");
    // A sweep's folder holds sweep.csv and sweep.json instead of a run's chart data.
    let is_sweep = !data_path.exists() && dir.join("sweep.json").is_file();
    let written = if is_sweep {
        if enterprise.is_some() || strategy.is_some() {
            return Err(Failure::BadInput(
                "--enterprise and --strategy are for the folder of a run; a sweep has no typical days".into(),
            ));
        }
        if !dir.join("sweep.csv").is_file() {
            return Err(Failure::BadInput(format!(
                "{} has no sweep.csv: give the folder of a finished (or merged) sweep",
                dir.display()
            )));
        }
        sweep::draw_charts(dir, lang)?
    } else {
        let text = std::fs::read_to_string(&data_path).map_err(|e| {
            Failure::BadInput(format!(
                "{}: {e}; give the output folder of a finished `parkenergy run` or sweep",
                data_path.display()
            ))
        })?;
        let mut set: crate::report::park_charts::ChartSet = serde_json::from_str(&text)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", data_path.display())))?;
        match (strategy, enterprise) {
            (Some(s), e) => plot::choose_strategy(dir, &mut set, s, e)?,
            (None, Some(name)) => set.choose_enterprise(name).map_err(Failure::BadInput)?,
            (None, None) => {}
        }
        crate::report::park_charts::draw_all(&set, &dir.join("charts"), lang)
            .context("drawing the charts")?
            .len()
    };
    // The manifest of the run lists the redrawn charts as they are now.
    if let Ok(m) = crate::report::folder::read_manifest(dir) {
        crate::report::folder::write_manifest(
            dir,
            &m.command,
            Path::new(&m.scenario),
            &m.scenario_sha256,
            m.options,
        )
        .map_err(|e| {
            Failure::BadInput(format!(
                "cannot update {}: {e}",
                dir.join(crate::report::folder::MANIFEST).display()
            ))
        })?;
    }
    println!(
        "redrew {} chart files in {}",
        written,
        dir.join("charts").display()
    );
    Ok(())
}

fn verify(dir: &Path) -> Result<(), Failure> {
    let m = crate::report::folder::verify(dir).map_err(|e| {
        Failure::BadInput(format!(
            "{} does not match its {}:\n{e}",
            dir.display(),
            crate::report::folder::MANIFEST
        ))
    })?;
    println!(
        "{}: ok, {} files as written by `{} {}` ({})",
        dir.display(),
        m.files.len(),
        m.command,
        m.scenario,
        m.program
    );
    Ok(())
}

fn set_threads(threads: Option<usize>) -> Result<(), Failure> {
    if let Some(n) = threads {
        if n == 0 {
            return Err(Failure::BadInput("--threads must be at least 1".into()));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the thread pool")?;
    }
    Ok(())
}

fn check(path: &Path) -> Result<(), Failure> {
    let plan = scenario::load(path)?;
    let has_sweep = std::fs::read_to_string(path).ok().is_some_and(|t| {
        toml_edit::ImDocument::parse(t).is_ok_and(|d| d.as_table().contains_key("sweep"))
    });
    if has_sweep {
        // What `sweep` would refuse (methods, ranges, correlations), `check` refuses too.
        crate::sweep::Sweep::load(path, None)?;
    }
    println!("{}: ok", path.display());
    print_warnings(&plan.warnings);
    print!("{}", describe(&plan));
    Ok(())
}

/// Plausibility warnings, one per line on stderr (also in `summary.json` `warnings`).
fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// A few lines saying what a plan resolves to.
pub fn describe(plan: &Plan) -> String {
    let strategies: Vec<String> = plan.strategies.iter().map(|s| s.to_string()).collect();
    format!(
        "  scenario    {} ({} steps of {} min in {})\n  enterprises {} ({} named, {} groups)\n  tariff      {}\n  strategies  {}\n",
        plan.name,
        crate::calendar::Calendar::without_holidays(plan.year, plan.step, plan.utc_offset_hours)
            .n_steps(),
        plan.step.minutes(),
        plan.year,
        plan.enterprise_count(),
        plan.enterprises.len(),
        plan.groups.len(),
        plan.tariff_file
            .as_ref()
            .map_or(plan.tariff.version.clone(), |p| p.display().to_string())
            + &plan
                .tariff_switch
                .as_ref()
                .map_or(String::new(), |sw| format!(
                    ", then {} from project year {}",
                    sw.label, sw.year
                )),
        strategies.join(", ")
    ) + &meter_coverage(plan)
}

/// One line per meter file: its rows, gaps and filled intervals.
pub fn meter_coverage(plan: &Plan) -> String {
    plan.enterprises
        .iter()
        .filter_map(|e| match &e.load {
            scenario::LoadSource::Meter { path, data, .. } => Some(format!(
                "  meter       {}: {}: {}\n",
                e.name,
                path.display(),
                data.series.report.summary()
            )),
            _ => None,
        })
        .collect()
}

fn init(path: &Path) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::BadInput(format!(
            "{} already exists; choose another path (init never overwrites a file)",
            path.display()
        )));
    }
    crate::report::write_atomic(path, TEMPLATE_TOML.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "wrote {}; check it with `parkenergy check {}`",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Parks larger than this keep only yearly figures per enterprise in memory
/// ([`crate::park::RunOptions::compact`]); their monthly bills and cash flows are in the files.
const COMPACT_ABOVE: usize = 5_000;

fn run_scenario(
    path: &Path,
    out: Option<&Path>,
    hourly: bool,
    quiet: bool,
    lang: crate::report::charts::Lang,
) -> Result<(), Failure> {
    let plan = scenario::load(path)?;
    if !quiet {
        print_warnings(&plan.warnings);
    }
    let out_dir = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new("output").join(&plan.name));
    // The output folder is checked and locked before the simulation; the run writes into a
    // staging folder beside it that takes its place, whole, once every file is written. A run
    // that fails or is killed leaves the earlier folder as it was.
    let staging = crate::report::folder::Staging::begin(&out_dir).map_err(Failure::BadInput)?;
    let dir = staging.path().to_path_buf();
    let scenario_sha256 = crate::report::folder::sha256_hex(
        &std::fs::read(path).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?,
    );
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = plan.enterprise_count();
    // The series of every enterprise under the full stack reach the sink, which reduces them
    // to typical days (charts and each enterprise's section of report.html) as they pass.
    let full_stack = crate::report::html::full_stack(&plan.strategies);
    let opts = crate::park::RunOptions {
        keep_series: hourly,
        chart_enterprise: full_stack.is_none().then_some(0),
        series_strategy: full_stack,
        progress: Some(counter.clone()),
        // Past this size the monthly and yearly detail of each enterprise lives in the files
        // only; below it the results keep it for the report.
        compact: count > COMPACT_ABOVE,
        stream_series: true,
    };
    if hourly && !quiet {
        let files = count * plan.strategies.len();
        let steps = crate::calendar::Calendar::without_holidays(
            plan.year,
            plan.step,
            plan.utc_offset_hours,
        )
        .n_steps();
        // About 100 bytes per step and file (12 columns).
        let bytes = files as f64 * steps as f64 * 100.0;
        eprintln!(
            "writing {files} hourly files to {} (about {:.0} MB)",
            out_dir.join("hourly").display(),
            bytes / 1e6
        );
    }
    let mut rows = crate::report::stream::RowWriters::create(
        &dir,
        plan.finance.discount_rate_fraction,
        hourly.then(|| plan.tariff_model.clone()),
    )
    .map_err(|e| Failure::BadInput(e.to_string()))?;
    // With --hourly, writing each enterprise's hourly files is a step of the progress too.
    let (steps, what) = if hourly {
        (
            2 * count,
            "steps (enterprises simulated + hourly files written)",
        )
    } else {
        (count, "enterprises")
    };
    let written = counter.clone();
    let bar = (!quiet).then(|| progress::Bar::start(counter, steps, what));
    // Typical days of every enterprise up to COMPACT_ABOVE enterprises (for `plot --enterprise`
    // and the report); beyond, only the largest enterprise's (the typical-day chart), so that
    // memory stays bounded.
    let keep_all_days = count <= COMPACT_ABOVE;
    let mut days: Vec<Option<crate::report::charts::typical_day::TypicalDayChart>> =
        Vec::with_capacity(if keep_all_days { count } else { 0 });
    let mut largest: Option<(usize, f64)> = None;
    let output = crate::park::run_streaming(&plan, &opts, &mut |c| {
        if let Some(s) = full_stack {
            let chunk = crate::report::park_charts::typical_days_of_chunk(&c, &plan, s);
            for (j, d) in chunk.into_iter().enumerate() {
                let kwh = c.enterprises[j].annual_kwh;
                if keep_all_days {
                    days.push(d);
                } else if d.is_some() && largest.is_none_or(|(_, k)| kwh > k) {
                    if let Some((i, _)) = largest {
                        days[i] = None;
                    }
                    days.resize(c.start + j + 1, None);
                    days[c.start + j] = d;
                    largest = Some((c.start + j, kwh));
                }
            }
        }
        rows.write(&c)?;
        if hourly {
            written.fetch_add(c.enterprises.len(), std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    })
    .and_then(|o| rows.finish().map(|()| o));
    if let Some(b) = bar {
        b.finish();
    }
    let output = output.map_err(|e| match e {
        crate::park::SimError::Internal(m) => Failure::Internal(anyhow::anyhow!(m)),
        crate::park::SimError::Output(m) => Failure::BadInput(m),
        other => Failure::BadInput(format!("{}: {other}", path.display())),
    })?;
    let r = &output.result;
    let write_failure = |target: &Path, e: std::io::Error| {
        if crate::report::is_user_fixable(e.kind()) {
            Failure::BadInput(format!(
                "cannot write {}: {e}; choose another --out folder, or check its permissions and the free disk space",
                target.display()
            ))
        } else {
            Failure::Internal(anyhow::anyhow!("writing {}: {e}", target.display()))
        }
    };
    let write_bytes = |name: &str, bytes: &[u8]| -> Result<(), Failure> {
        let target = dir.join(name);
        crate::report::write_atomic(&target, bytes).map_err(|e| write_failure(&target, e))
    };
    let write = |name: &str, text: String| write_bytes(name, text.as_bytes());
    write("measures.csv", crate::report::tables::measures_csv(r))?;
    // The workbook holds the CSV files as written (streamed during the run).
    // A table too long for a sheet is not read into memory: its sheet points to the file.
    let mut tables = Vec::with_capacity(4);
    for name in crate::report::xlsx::CSV_FILES {
        let p = dir.join(name);
        let (rows, cols) = crate::report::xlsx::count_rows(&p)
            .with_context(|| format!("reading {}", p.display()))?;
        tables.push(if rows * cols > crate::report::xlsx::MAX_SHEET_CELLS {
            Err(rows)
        } else {
            Ok(std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?)
        });
    }
    let sources: Vec<crate::report::xlsx::SheetSource<'_>> = tables
        .iter()
        .map(|t| match t {
            Ok(text) => crate::report::xlsx::SheetSource::Csv(text),
            Err(rows) => crate::report::xlsx::SheetSource::LeftInFile { rows: *rows },
        })
        .collect();
    let xlsx =
        crate::report::xlsx::workbook_bytes(r, [sources[0], sources[1], sources[2], sources[3]])
            .context("making report.xlsx")?;
    write_bytes(crate::report::xlsx::FILE_NAME, &xlsx)?;
    let mut set = crate::report::park_charts::chart_set(&plan, &output);
    if full_stack.is_some() {
        crate::report::park_charts::set_typical_days(&mut set, days, r);
    }
    let data = serde_json::to_string(&set).context("encoding chart data")?;
    write("charts/chart-data.json", data + "\n")?;
    crate::report::park_charts::draw_all(&set, &dir.join("charts"), lang)
        .context("drawing the charts")?;
    let mut page = crate::report::html::page(r, &set, &set.typical_days, lang)
        .context("making report.html")?;
    // The enterprise table sets PV under both ownership models side by side: the park again
    // under the other `pv.ownership`, for the PV strategy and its references only.
    if let Some(pv_s) = crate::report::html::pv_strategy(&plan.strategies) {
        if !quiet {
            eprintln!("valuing PV under the other ownership model for report.html");
        }
        // A scenario valid under its own model may not be under the other: the page then
        // shows the run's model alone, and says why on stderr.
        match crate::park::run_other_pv_ownership(&plan, pv_s) {
            Ok(other) => crate::report::html::add_other_pv_ownership(&mut page, &other, lang),
            Err(e) => eprintln!(
                "warning: report.html shows PV under the scenario's ownership only: the other model failed: {e}"
            ),
        }
    }
    let html = crate::report::html::render(&page).context("making report.html")?;
    write(crate::report::html::FILE_NAME, html)?;
    write("summary.json", crate::report::tables::summary_json(r))?;
    let lang_code = match lang {
        crate::report::charts::Lang::Zh => "zh",
        _ => "en",
    };
    let mut options = vec![format!("--lang {lang_code}")];
    if hourly {
        options.push("--hourly".into());
    }
    // The manifest last, then the folder takes the output folder's place.
    staging
        .finish("run", path, &scenario_sha256, options)
        .map_err(|e| write_failure(&out_dir, e))?;
    if !quiet {
        print!("{}", meter_coverage(&plan));
        print!("{}", crate::report::tables::text_summary_in(&output, lang));
        println!("\n  outputs in {}", out_dir.display());
    }
    Ok(())
}
