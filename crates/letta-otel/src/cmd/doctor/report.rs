//! The doctor's report: sections, OK lines, problems with their fixes.

use std::fmt::Write as _;
use std::process::ExitCode;

/// Findings, in order.
#[derive(Debug, Default)]
pub struct Report {
    text: String,
    problems: usize,
}

impl Report {
    /// Starts a section.
    pub fn section(&mut self, title: &str) {
        let _ = writeln!(self.text, "\n== {title}");
    }

    /// Verbatim text (indented).
    pub fn raw(&mut self, text: &str) {
        for line in text.lines() {
            let _ = writeln!(self.text, "  {line}");
        }
    }

    /// Something that is fine.
    pub fn ok(&mut self, message: impl AsRef<str>) {
        let _ = writeln!(self.text, "  [ok]      {}", message.as_ref());
    }

    /// Information that is neither fine nor wrong.
    pub fn note(&mut self, message: impl AsRef<str>) {
        let _ = writeln!(self.text, "  [note]    {}", message.as_ref());
    }

    /// Something wrong, and how to fix it.
    pub fn problem(&mut self, problem: String, fix: String) {
        self.problems += 1;
        let _ = writeln!(self.text, "  [problem] {problem}");
        let _ = writeln!(self.text, "            fix: {fix}");
    }

    /// The report, with the verdict last.
    pub fn render(&self) -> String {
        let mut out = self.text.clone();
        let _ = match self.problems {
            0 => writeln!(out, "\nNo problems found."),
            1 => writeln!(out, "\n1 problem found."),
            n => writeln!(out, "\n{n} problems found."),
        };
        out
    }

    /// 0 without problems, 1 otherwise.
    pub fn exit_code(&self) -> ExitCode {
        if self.problems == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
