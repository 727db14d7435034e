//! The `agendum` command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Messages go to stderr; if it is closed (`2>&1 | head`), they are dropped, not a panic.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}
macro_rules! say_raw {
    ($($t:tt)*) => {{
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

use agendum::diag::{colour_stderr, Diagnostics};

/// Council committee papers from YAML and Markdown to accessible HTML and archival PDF.
#[derive(Parser)]
#[command(name = "agendum", version, about, long_about = None)]
struct Cli {
    /// The site folder (holding agendum.yaml and content/).
    #[arg(long, global = true, default_value = ".", env = "AGENDUM_SITE")]
    site: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (HTML pages for every meeting and report).
    Build {
        /// Where to write; replaced whole, and only when the build succeeds.
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// Also write the members-only papers (Part 2 items included) into DIR, which
        /// must be outside the public output.
        #[arg(long, value_name = "DIR")]
        restricted: Option<PathBuf>,
        /// HTML only: skip the PDFs (a quick preview).
        #[arg(long)]
        html_only: bool,
        /// Freeze the packs of published meetings and the minutes approved as a correct
        /// record: record them in agendum.lock and keep them under frozen/, so later
        /// builds publish them unchanged.
        #[arg(long, conflicts_with = "html_only")]
        freeze: bool,
    },
    /// Preview the site on http://127.0.0.1:PORT/, rebuilding and reloading on change.
    Serve {
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// HTML only: skip the PDFs for faster rebuilds.
        #[arg(long)]
        html_only: bool,
    },
    /// Check the site before publishing: statutory notice periods, Part 2 rules and
    /// content hygiene. Renders nothing; reports every problem at once.
    Check {
        /// `human` (coloured on a terminal) or `json`.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the publication deadline and notice dates for a meeting date (YYYY-MM-DD).
    Dates {
        /// The meeting's date.
        meeting_date: String,
    },
    /// Start a new council site in the site folder (empty, or new).
    Init {
        /// The council's name as printed on every paper.
        #[arg(long)]
        council: String,
        /// The built-in theme to start from.
        #[arg(long, default_value = "default")]
        theme: String,
        /// Copy the theme into themes/<theme>/ to make it the council's own.
        #[arg(long)]
        copy_theme: bool,
    },
    /// Print the theme author's guide (every theme key, PDF key, template block and the
    /// data each template receives), generated from this agendum and the site.
    Guide,
    /// Write the JSON Schemas of agendum's files into DIR, and editor settings that use
    /// them (unless the site has its own), so that an editor completes and checks fields.
    Schemas {
        #[arg(long, default_value = ".agendum/schemas")]
        out: PathBuf,
    },
    /// Import a report drafted in the council's Word template (.docx) into a meeting, by
    /// the theme's `import:` map, then check the site. Refuses (and writes nothing) when
    /// the document has tracked changes, comments, styles the map does not know,
    /// pictures without alt text or template instructions left in.
    Import {
        /// The Word document.
        file: PathBuf,
        /// The meeting's folder name under content/meetings (e.g. 2025-06-17-cabinet).
        #[arg(long)]
        meeting: String,
        /// Make it agenda item N (the items from N on move down); the last item if not
        /// given.
        #[arg(long, value_name = "N")]
        item: Option<u32>,
        /// Accept every tracked change in the document (insertions in, deletions out).
        #[arg(long)]
        accept_changes: bool,
        /// The agenda is out: add the report as a supplementary item, dated today.
        #[arg(long)]
        supplementary: bool,
    },
    /// Create something new from the theme's scheme.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum NewCommand {
    /// A committee: content/committees/<slug>.yaml.
    Committee {
        /// Its name, e.g. "Planning Committee".
        name: String,
        #[arg(long, value_enum, default_value_t = Kind::NonExecutive)]
        kind: Kind,
    },
    /// A meeting of a committee, its publication date set to the statutory deadline.
    Meeting {
        /// The committee's file name, e.g. planning-committee.
        committee: String,
        /// The meeting's date, YYYY-MM-DD.
        date: String,
        /// Start time on the 24-hour clock, e.g. 19:00.
        #[arg(long)]
        time: Option<String>,
        #[arg(long)]
        venue: Option<String>,
    },
    /// The minutes of a meeting: minutes.yaml from its agenda and members, to complete.
    Minutes {
        /// The meeting's folder name, e.g. 2012-04-18-improvement-and-efficiency.
        meeting: String,
    },
    /// A report with every header field and section of the theme, added to the agenda.
    Report {
        /// The meeting's folder name, e.g. 2012-04-18-improvement-and-efficiency.
        meeting: String,
        /// The report's title.
        title: String,
        /// The agenda is out: add the item as a supplementary item, dated today.
        #[arg(long)]
        supplementary: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    Executive,
    NonExecutive,
    Scrutiny,
    Regulatory,
}

/// The schemas into `out` (inside the site), and `.vscode/settings.json` pointing at them
/// unless the site has one already (agendum never overwrites it).
fn write_schemas(site: &std::path::Path, out: &std::path::Path, quiet: bool) -> Result<(), agendum::diag::Diagnostic> {
    use agendum::diag::{Diagnostic, Pos};
    let dir = site.join(out);
    std::fs::create_dir_all(&dir).map_err(|e| Diagnostic::error(Pos::file(&dir), format!("cannot create: {e}")))?;
    for (name, text) in agendum::guide::schema_files() {
        std::fs::write(dir.join(&name), text).map_err(|e| Diagnostic::error(Pos::file(dir.join(&name)), format!("cannot write: {e}")))?;
    }
    let settings = site.join(".vscode/settings.json");
    if !settings.exists() {
        let _ = std::fs::create_dir_all(site.join(".vscode"));
        let rel = out.to_string_lossy().replace('\\', "/");
        std::fs::write(&settings, agendum::guide::editor_settings(&format!("./{}", rel.trim_start_matches("./"))))
            .map_err(|e| Diagnostic::error(Pos::file(&settings), format!("cannot write: {e}")))?;
    }
    if !quiet {
        say!("wrote the JSON Schemas into {}; editors with YAML support now complete and check agendum.yaml, committees, meetings and themes", dir.display());
    }
    Ok(())
}

/// Exit codes: 0 success, 1 content errors, 2 usage errors (clap's own), 3 internal.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = colour_stderr();
    let result: Result<(), Diagnostics> = match &cli.command {
        Command::Serve { port, html_only } => {
            let quiet = cli.quiet;
            let opts = agendum::serve::ServeOptions { site: cli.site.clone(), port: *port, html_only: *html_only };
            agendum::serve::serve(opts, move |msg| {
                if !quiet || msg.starts_with("build failed") {
                    say!("{msg}")
                }
            })
            .map_err(Into::into)
        }
        Command::Build { output, restricted, html_only, freeze } => {
            let output = if output.is_absolute() { output.clone() } else { cli.site.join(output) };
            let restricted = restricted.as_ref().map(|r| if r.is_absolute() { r.clone() } else { cli.site.join(r) });
            let started = std::time::Instant::now();
            let mut opts = agendum::BuildOptions { restricted, html_only: *html_only, freeze: *freeze, ..agendum::BuildOptions::new(&cli.site, &output) };
            // A progress bar on a terminal only; CI logs get the one-line summary.
            let bar = (!cli.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} PDFs ({eta} left)")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_message("building");
                bar
            });
            if let Some(bar) = bar.clone() {
                opts.progress = Some(std::sync::Arc::new(move |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }));
            }
            let result = agendum::build(&opts);
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            result.map(|report| {
                for pack in &report.frozen {
                    say!("froze {pack} (agendum.lock, frozen/{pack}): commit both");
                }
                // `--quiet` prints errors only (a CI log); `check` lists the warnings too.
                if !cli.quiet {
                    for w in &report.warnings.0 {
                        say_raw!("{}", w.render(colour));
                    }
                }
                if !cli.quiet {
                    say!(
                        "{} {} meeting(s), {} report(s), {} file(s) ({} PDF, {} compiled) {} {} in {:.2}s{}",
                        if report.unchanged { "up to date:" } else { "built" },
                        report.meetings,
                        report.reports,
                        report.files,
                        report.pdfs,
                        report.compiled,
                        // Nothing in the site or its output changed since the last build.
                        if report.unchanged { "in" } else { "into" },
                        output.display(),
                        started.elapsed().as_secs_f64(),
                        if report.warnings.is_empty() { String::new() } else { format!(" with {} warning(s)", report.warnings.len()) }
                    );
                }
                // What the law asks of the papers is `check`'s to list; `build` publishes
                // them regardless (a late agenda must still go out), but never silently.
                if report.check_errors > 0 && !cli.quiet {
                    say!("note: `agendum check` reports {} error(s) in these papers; run it to see them", report.check_errors);
                }
            })
        }
        Command::Check { format, deny_warnings } => {
            let diags = agendum::check_site(&cli.site);
            let (errors, warnings) = (diags.errors().count(), diags.warnings().count());
            match format {
                Format::Json => {
                    let report = serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": diags.0 });
                    // A closed pipe (`| head`) ends the output quietly.
                    let _ = writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&report).unwrap_or_default());
                }
                Format::Human => {
                    for d in &diags.0 {
                        say_raw!("{}", d.render(colour));
                    }
                    if !cli.quiet || errors + warnings > 0 {
                        say!("{errors} error(s), {warnings} warning(s)");
                    }
                }
            }
            return if errors > 0 || (*deny_warnings && warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS };
        }
        Command::Dates { meeting_date } => {
            let date = match agendum::model::parse_date(meeting_date) {
                Ok(d) => d,
                Err(e) => {
                    say!("error: {e}\n   = hint: give the meeting date as YYYY-MM-DD, e.g. 2025-06-17");
                    return ExitCode::from(2);
                }
            };
            // Outside a site, England and Wales bank holidays and the statutory 5 days.
            let (cal, clear) = if cli.site.join("agendum.yaml").is_file() {
                match agendum::Site::open(&cli.site) {
                    Ok(site) => site.calendar(),
                    Err(diags) => {
                        for d in &diags.0 {
                            say_raw!("{}", d.render(colour));
                        }
                        return ExitCode::from(1);
                    }
                }
            } else {
                (agendum::calendar::Calendar::new(vec![]), 5)
            };
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "Meeting: {}", date.format("%A %-d %B %Y"));
            for (what, when) in agendum::check::dates(date, &cal, clear) {
                if writeln!(stdout, "{:<70} {}", what, when.format("%A %-d %B %Y")).is_err() {
                    break; // a closed pipe: stop quietly
                }
            }
            Ok(())
        }
        Command::Guide => agendum::guide::record(&cli.site).map(|(recorded, pdf)| {
            let _ = write!(std::io::stdout().lock(), "{}", agendum::guide::theme_guide(&recorded, pdf.as_ref()));
        }),
        Command::Schemas { out } => write_schemas(&cli.site, out, cli.quiet).map_err(Diagnostics::from),
        Command::Init { council, theme, copy_theme } => {
            let _ = std::fs::create_dir_all(&cli.site);
            agendum::scaffold::init(&cli.site, council, theme, *copy_theme)
                .and_then(|w| write_schemas(&cli.site, &PathBuf::from(".agendum/schemas"), true).map(|_| w))
                .map_err(Diagnostics::from)
                .map(|written| {
                    if !cli.quiet {
                        for w in &written {
                            say!("created {}", w.display());
                        }
                        say!("next: agendum new committee \"Cabinet\" --kind executive, then agendum new meeting cabinet YYYY-MM-DD");
                    }
                })
        }
        Command::New { what: NewCommand::Committee { name, kind } } => {
            let kind = match kind {
                Kind::Executive => agendum::model::CommitteeKind::Executive,
                Kind::NonExecutive => agendum::model::CommitteeKind::NonExecutive,
                Kind::Scrutiny => agendum::model::CommitteeKind::Scrutiny,
                Kind::Regulatory => agendum::model::CommitteeKind::Regulatory,
            };
            agendum::Site::open(&cli.site).and_then(|site| {
                let made = agendum::scaffold::new_committee(&site.root, name, kind)?;
                if !cli.quiet {
                    say!("created {}", made.display());
                }
                Ok(())
            })
        }
        Command::New { what: NewCommand::Meeting { committee, date, time, venue } } => agendum::Site::open(&cli.site).and_then(|site| {
            let day = agendum::model::parse_date(date)
                .map_err(|e| agendum::diag::Diagnostic::error(agendum::diag::Pos::default(), e).hint("give the date as YYYY-MM-DD"))?;
            let (cal, clear) = site.calendar();
            let deadline = cal.publication_deadline(day, clear);
            let made = agendum::scaffold::new_meeting(&site.root, committee, day, time.as_deref(), venue.as_deref(), deadline)?;
            if !cli.quiet {
                say!("created {}", made.display());
                for (what, when) in agendum::check::dates(day, &cal, clear) {
                    say!("  {what:<70} {}", when.format("%A %-d %B %Y"));
                }
            }
            Ok(())
        }),
        Command::New { what: NewCommand::Minutes { meeting } } => agendum::Site::open(&cli.site).and_then(|site| {
            let made = agendum::scaffold::new_minutes(&site, meeting)?;
            if !cli.quiet {
                say!("created {}", made.display());
            }
            Ok(())
        }),
        Command::Import { file, meeting, item, accept_changes, supplementary } => {
            let imported = agendum::Site::open(&cli.site).and_then(|site| {
                let opts = agendum::import::Options { accept_changes: *accept_changes };
                agendum::import::import_file(&site, file, meeting, *item, &opts, supplementary.then(agendum::build_date))
            });
            match imported {
                Err(diags) => Err(diags),
                Ok(made) => {
                    if !cli.quiet {
                        say!("created {}", made.report.display());
                        for f in &made.files {
                            say!("created content/meetings/{meeting}/{f}");
                        }
                        if made.added_to_agenda {
                            say!("added it to the agenda in content/meetings/{meeting}/meeting.yaml");
                        } else {
                            say!("add `- report: {}` to the items in content/meetings/{meeting}/meeting.yaml", made.slug);
                        }
                    }
                    for n in &made.notes {
                        say!("note: {n}");
                    }
                    // The imported report is checked as every report is, with the site.
                    let diags = agendum::check_site(&cli.site);
                    for d in &diags.0 {
                        say_raw!("{}", d.render(colour));
                    }
                    let errors = diags.errors().count();
                    if !cli.quiet || errors > 0 {
                        say!("check: {errors} error(s), {} warning(s)", diags.warnings().count());
                    }
                    return if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS };
                }
            }
        }
        Command::New { what: NewCommand::Report { meeting, title, supplementary } } => agendum::Site::open(&cli.site).and_then(|site| {
            let when = supplementary.then(agendum::build_date);
            let made = agendum::scaffold::new_report_as(&site.root, meeting, title, &site.theme.scheme, when)?;
            if !cli.quiet {
                say!("created {}", made.report.display());
                if made.added_to_agenda {
                    say!("added it to the end of the agenda in content/meetings/{meeting}/meeting.yaml");
                } else {
                    say!("add `- report: {}` to the items in content/meetings/{meeting}/meeting.yaml", agendum::numbering::slugify(title));
                }
            }
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            for d in &diags.0 {
                say_raw!("{}", d.render(colour));
            }
            let n = diags.errors().count();
            say!("{n} error{} found; nothing was written", if n == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
    }
}
