//! Terminal output: colour, decided per stream (only on a terminal, never with `NO_COLOR`,
//! always with `CLICOLOR_FORCE`), and progress (a bar on a terminal, plain lines otherwise)
//! that leaves nothing behind when the command fails, so a failure is one line on stderr.

use std::io::{IsTerminal, Write};

/// An output stream, for deciding whether it gets colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn is_terminal(self) -> bool {
        match self {
            Self::Stdout => std::io::stdout().is_terminal(),
            Self::Stderr => std::io::stderr().is_terminal(),
        }
    }
}

/// Whether `stream` gets ANSI colours: `NO_COLOR` (non-empty) turns them off, else
/// `CLICOLOR_FORCE` (non-empty, not `0`) turns them on, else only a terminal gets them.
pub(crate) fn colour(stream: Stream) -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    decide_colour(no_colour, forced, || stream.is_terminal())
}

/// The colour rule, apart from the environment.
fn decide_colour(no_colour: bool, forced: bool, is_terminal: impl FnOnce() -> bool) -> bool {
    !no_colour && (forced || is_terminal())
}

/// Paints text for one stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Painter {
    on: bool,
}

impl Painter {
    /// A painter for `stream`, colouring when [`colour`] says so.
    pub(crate) fn new(stream: Stream) -> Self {
        Self { on: colour(stream) }
    }

    /// `text` in bold red.
    pub(crate) fn red(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// `text` in bold yellow.
    pub(crate) fn yellow(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// `text` in green.
    pub(crate) fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// `text` in bold red, for stderr.
pub(crate) fn red(text: &str) -> String {
    Painter::new(Stream::Stderr).red(text)
}

/// `text` in bold yellow, for stderr.
pub(crate) fn yellow(text: &str) -> String {
    Painter::new(Stream::Stderr).yellow(text)
}

/// `text` in green, for stderr.
pub(crate) fn green(text: &str) -> String {
    Painter::new(Stream::Stderr).green(text)
}

/// Progress through a known number of steps, on stderr. On a terminal a bar redrawn in place
/// and erased if the command fails; otherwise plain `[n/N] step` lines, held back until
/// [`Progress::finish`] so that a failing command prints only its error line.
pub(crate) struct Progress {
    total: usize,
    done: usize,
    bar: bool,
    held: Vec<String>,
    finished: bool,
}

impl Progress {
    /// Progress through `total` steps.
    pub(crate) fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            bar: std::io::stderr().is_terminal(),
            held: Vec::new(),
            finished: false,
        }
    }

    /// Starts the next step, described by `what`.
    pub(crate) fn step(&mut self, what: &str) {
        self.done += 1;
        if !self.bar {
            self.held.push(format!("[{}/{}] {what}", self.done, self.total));
            return;
        }
        let width = 20;
        let filled = width * self.done.min(self.total) / self.total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {}/{} {what}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.done,
            self.total
        );
        let _ = err.flush();
    }

    /// The work succeeded: ends the bar's line, or prints the held lines.
    pub(crate) fn finish(mut self) {
        self.finished = true;
        let mut err = std::io::stderr().lock();
        if self.bar {
            let _ = writeln!(err);
        }
        for line in self.held.drain(..) {
            let _ = writeln!(err, "{line}");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Dropped unfinished: the command failed, and its error line follows alone.
        if self.bar && !self.finished {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decide_colour;

    #[test]
    fn no_color_wins_then_force_then_the_terminal() {
        assert!(!decide_colour(true, true, || true));
        assert!(decide_colour(false, true, || false));
        assert!(decide_colour(false, false, || true));
        assert!(!decide_colour(false, false, || false));
    }
}
