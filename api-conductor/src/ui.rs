//! Terminal output: colour (only on a terminal, never with `NO_COLOR`) and progress (a bar on a
//! terminal, plain lines otherwise).

use std::io::{IsTerminal, Write};

/// Whether stderr gets ANSI colours.
pub(crate) fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// `text` in bold red, when colours are on.
pub(crate) fn red(text: &str) -> String {
    paint("1;31", text)
}

/// `text` in bold yellow, when colours are on.
pub(crate) fn yellow(text: &str) -> String {
    paint("1;33", text)
}

/// `text` in green, when colours are on.
pub(crate) fn green(text: &str) -> String {
    paint("32", text)
}

fn paint(code: &str, text: &str) -> String {
    if colour() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Progress through a known number of steps, on stderr.
pub(crate) struct Progress {
    total: usize,
    done: usize,
    bar: bool,
}

impl Progress {
    /// Progress through `total` steps.
    pub(crate) fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            bar: std::io::stderr().is_terminal(),
        }
    }

    /// Starts the next step, described by `what`.
    pub(crate) fn step(&mut self, what: &str) {
        self.done += 1;
        let mut err = std::io::stderr().lock();
        if self.bar {
            let width = 20;
            let filled = width * self.done / self.total.max(1);
            let _ = write!(
                err,
                "\r\x1b[2K[{}{}] {}/{} {what}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.done,
                self.total
            );
            if self.done == self.total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "[{}/{}] {what}", self.done, self.total);
        }
        let _ = err.flush();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.bar && self.done != self.total {
            let _ = writeln!(std::io::stderr());
        }
    }
}
