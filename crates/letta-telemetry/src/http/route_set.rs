//! A configured route list: regexes matched against `"<METHOD> <path>"`,
//! with exact shortcuts for the common shapes so that most requests never
//! run a regex.
//!
//! - When every pattern starts with `^<METHOD> ` (an upper-case method and
//!   a space, with no `|` anywhere and no quantifier after the space), a
//!   request with another method cannot match: no regex runs. The default
//!   metric routes (`^POST ...`) are skipped this way for every `GET`.
//! - When every pattern is an anchored literal (`^GET /v1/health$`, no
//!   regex syntax inside), matching is a string comparison.
//!
//! Anything else goes to the regex set, so the answer is always the
//! regexes' answer.

// Without the `axum` feature there is no layer to use the configuration:
// it is only built and validated (the settings read its defaults).
#![cfg_attr(not(feature = "axum"), allow(dead_code))]

use std::cell::RefCell;

use regex::RegexSet;

/// A route regex list with its shortcuts.
#[derive(Debug)]
pub(crate) struct RouteSet {
    set: RegexSet,
    /// Some: the only methods any pattern can match.
    methods: Option<Box<[Box<str>]>>,
    /// Some: every pattern is `^<literal>$`; these are the literals.
    literals: Option<Box<[Box<str>]>>,
}

thread_local! {
    static ROUTE_KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

impl RouteSet {
    /// Compiles `patterns`.
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, regex::Error> {
        let set = RegexSet::new(patterns)?;
        let methods = patterns
            .iter()
            .map(|p| required_method(p.as_ref()).map(Box::from))
            .collect::<Option<Box<[Box<str>]>>>();
        let literals = patterns
            .iter()
            .map(|p| anchored_literal(p.as_ref()).map(Box::from))
            .collect::<Option<Box<[Box<str>]>>>();
        Ok(Self {
            set,
            methods,
            literals,
        })
    }

    /// A list that matches nothing.
    pub(crate) fn empty() -> Self {
        Self {
            set: RegexSet::empty(),
            methods: Some(Box::new([])),
            literals: Some(Box::new([])),
        }
    }

    /// Whether any pattern matches `"<method> <path>"`.
    pub(crate) fn is_match(&self, method: &str, path: &str) -> bool {
        if let Some(methods) = &self.methods
            && !methods.iter().any(|m| &**m == method)
        {
            return false;
        }
        if let Some(literals) = &self.literals {
            return literals.iter().any(|l| is_key(l, method, path));
        }
        with_route_key(method, path, |key| self.set.is_match(key))
    }
}

/// Whether `literal` is `"<method> <path>"`.
fn is_key(literal: &str, method: &str, path: &str) -> bool {
    literal.len() == method.len() + 1 + path.len()
        && literal.starts_with(method)
        && literal.as_bytes()[method.len()] == b' '
        && literal.ends_with(path)
}

/// Calls `f` with `"<METHOD> <path>"`, built in a reused buffer.
fn with_route_key<R>(method: &str, path: &str, f: impl FnOnce(&str) -> R) -> R {
    let build = |s: &mut String| {
        s.clear();
        s.push_str(method);
        s.push(' ');
        s.push_str(path);
    };
    ROUTE_KEY.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            build(&mut s);
            f(&s)
        }
        Err(_) => {
            let mut s = String::new();
            build(&mut s);
            f(&s)
        }
    })
}

/// The method a pattern requires: `^<UPPER> ` followed by anything but a
/// quantifier, with no alternation anywhere in the pattern.
fn required_method(pattern: &str) -> Option<&str> {
    if pattern.contains('|') {
        return None;
    }
    let rest = pattern.strip_prefix('^')?;
    let (method, after) = rest.split_once(' ')?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    match after.bytes().next() {
        Some(b'?' | b'*' | b'+' | b'{') => None,
        _ => Some(method),
    }
}

/// The text of a pattern `^<text>$` whose text has no regex syntax.
fn anchored_literal(pattern: &str) -> Option<&str> {
    let text = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let plain = text.bytes().all(|b| {
        !matches!(
            b,
            b'\\'
                | b'.'
                | b'+'
                | b'*'
                | b'?'
                | b'('
                | b')'
                | b'|'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'^'
                | b'$'
                | b'#'
        ) && !b.is_ascii_whitespace()
            || b == b' '
    });
    plain.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts agree with the regexes on a grid of patterns and keys.
    #[test]
    fn shortcuts_agree_with_the_regexes() {
        let patterns: [&[&str]; 9] = [
            &["^GET /v1/health$"],
            &[
                r"^POST /v1/agents/(?P<agent_id>[^/]+)/messages$",
                r"^POST /v1/agents/(?P<agent_id>[^/]+)/messages/stream$",
            ],
            &["^GET /v1/agents/[^/]+$"],
            &["^GET /a|POST /b"],
            &["^GET ?.*"],
            &["health"],
            &["^(?i)get /x$"],
            &["^GET /v1/health$", "^POST /v1/x$"],
            &[],
        ];
        let requests = [
            ("GET", "/v1/health"),
            ("GET", "/v1/healthz"),
            ("POST", "/v1/health"),
            ("POST", "/v1/agents/a-1/messages"),
            ("POST", "/v1/agents/a-1/messages/stream"),
            ("GET", "/v1/agents/a-1"),
            ("GET", "/a"),
            ("POST", "/b"),
            ("GETX", "/foo"),
            ("get", "/x"),
            ("POST", "/v1/x"),
        ];
        for list in patterns {
            let fast = RouteSet::new(list).unwrap_or_else(|_| RouteSet::empty());
            let slow = RegexSet::new(list).unwrap_or_else(|_| RegexSet::empty());
            for (method, path) in requests {
                let key = format!("{method} {path}");
                assert_eq!(
                    fast.is_match(method, path),
                    slow.is_match(&key),
                    "{list:?} on {key}"
                );
            }
        }
    }

    #[test]
    fn shortcuts_are_found_for_the_defaults() {
        let excluded = RouteSet::new(&super::super::config::DEFAULT_EXCLUDED_ROUTES)
            .unwrap_or_else(|_| RouteSet::empty());
        assert!(excluded.literals.is_some());
        let metric = RouteSet::new(&super::super::config::DEFAULT_METRIC_ROUTES)
            .unwrap_or_else(|_| RouteSet::empty());
        assert_eq!(metric.methods.as_deref().map(<[_]>::len), Some(3));
        assert!(metric.literals.is_none());
        assert!(required_method("^GET ?/x").is_none());
        assert!(required_method("^GET /a|POST /b").is_none());
        assert!(anchored_literal("^GET /v1/a.b$").is_none());
    }
}
