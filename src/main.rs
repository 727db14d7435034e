//! The `agendum` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
    /// Create something new from the theme's scheme.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// A report with every header field and section of the theme, added to the agenda.
    Report {
        /// The meeting's folder name, e.g. 2012-04-18-improvement-and-efficiency.
        meeting: String,
        /// The report's title.
        title: String,
    },
}

/// Exit codes: 0 success, 1 content errors, 2 usage errors (clap's own), 3 internal.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = colour_stderr();
    let result: Result<(), Diagnostics> = match &cli.command {
        Command::Build { output, restricted, html_only } => {
            let output = if output.is_absolute() { output.clone() } else { cli.site.join(output) };
            let restricted = restricted.as_ref().map(|r| if r.is_absolute() { r.clone() } else { cli.site.join(r) });
            let started = std::time::Instant::now();
            agendum::build(&agendum::BuildOptions { site: cli.site.clone(), output: output.clone(), restricted, html_only: *html_only }).map(|report| {
                for w in &report.warnings.0 {
                    eprint!("{}", w.render(colour));
                }
                if !cli.quiet {
                    eprintln!(
                        "built {} meeting(s), {} report(s), {} file(s) ({} PDF) into {} in {:.2}s{}",
                        report.meetings,
                        report.reports,
                        report.files,
                        report.pdfs,
                        output.display(),
                        started.elapsed().as_secs_f64(),
                        if report.warnings.is_empty() { String::new() } else { format!(" with {} warning(s)", report.warnings.len()) }
                    );
                }
            })
        }
        Command::New { what: NewCommand::Report { meeting, title } } => agendum::resolve_theme_only(&cli.site).and_then(|theme| {
            let made = agendum::scaffold::new_report(&cli.site, meeting, title, &theme.scheme)?;
            if !cli.quiet {
                eprintln!("created {}", made.report.display());
                if made.added_to_agenda {
                    eprintln!("added it to the end of the agenda in content/meetings/{meeting}/meeting.yaml");
                } else {
                    eprintln!("add `- report: {}` to the items in content/meetings/{meeting}/meeting.yaml", agendum::numbering::slugify(title));
                }
            }
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            for d in &diags.0 {
                eprint!("{}", d.render(colour));
            }
            let n = diags.errors().count();
            eprintln!("{n} error{} found; nothing was written", if n == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
    }
}
