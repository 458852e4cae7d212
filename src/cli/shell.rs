//! What a shell needs from wijksim: completion scripts and manual pages, both generated from
//! the command definitions, so they cannot describe an option the program does not have.

use clap_complete::Shell;
use clap_mangen::Man;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The completion script for `shell`.
pub fn completions(shell: Shell, mut cmd: clap::Command) -> Vec<u8> {
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    script
}

/// Writes the manual page of the whole command (roff, section 1) to `out`.
///
/// # Errors
/// `out` cannot be written.
pub fn manual(cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    Man::new(cmd).render(out)
}

/// Writes one manual page per command into `dir` (`wijksim.1`, `wijksim-run.1`, ...) and
/// returns their paths.
///
/// # Errors
/// A page cannot be written.
pub fn manual_pages(cmd: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    // Built without the `help` subcommand, so that subcommands get their `wijksim-` names and
    // no page is written for `help`.
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut written = vec![Man::new(cmd.clone()).generate_to(dir)?];
    for sub in cmd.get_subcommands() {
        written.push(Man::new(sub.clone()).generate_to(dir)?);
    }
    Ok(written)
}
