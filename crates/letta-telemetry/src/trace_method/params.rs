//! The parameters of one call: per-value and total limits, redaction,
//! skipping.

use std::fmt::{Debug, Write as _};

use opentelemetry::trace::Span as _;
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::Span;

use super::meta::Param;
use super::type_name::short_type_name;
use super::writer::{Rendered, floor_char_boundary, render};
use super::{MAX_PARAM_SIZE, MAX_TOTAL_SIZE};
use crate::redact::REDACTED;

/// Size counted for a number or bool against the total limit.
const SCALAR_SIZE: usize = 8;

/// Bytes reserved for `... (truncated, original size: at least N chars)`.
const SUFFIX_ROOM: usize = 64;

/// Records the `parameter.*` attributes of one recording span, straight
/// into the span (whose attribute list was sized for them at its start), so
/// no intermediate list is built.
#[derive(Debug)]
pub struct Params<'a> {
    span: &'a mut Span,
    total: usize,
    truncated: bool,
}

impl<'a> Params<'a> {
    /// Runs `capture` on `span`'s parameters, then marks the span when the
    /// total limit was reached.
    pub(crate) fn capture(span: &'a mut Span, capture: impl FnOnce(&mut Params<'a>)) {
        let mut params = Self {
            span,
            total: 0,
            truncated: false,
        };
        capture(&mut params);
        if params.truncated {
            params
                .span
                .set_attribute(KeyValue::new("parameters.truncated", true));
            params.span.set_attribute(KeyValue::new(
                "parameters.truncated_reason",
                format!("Total size exceeded {MAX_TOTAL_SIZE} bytes"),
            ));
        }
    }

    /// Records a parameter through `capture` (which calls one method of the
    /// [`Slot`]), unless its name is secret or the total limit was reached.
    ///
    /// A never-skipped parameter (`request_data`) is recorded even past the
    /// total limit, with the per-value limit alone, as the reference does.
    #[inline]
    pub fn param(&mut self, param: &'static Param, capture: impl FnOnce(&mut Slot)) {
        let never_skipped = param.is_never_skipped();
        if self.truncated && !never_skipped {
            return;
        }
        if param.is_secret() {
            self.push(param, Value::from(REDACTED), REDACTED.len());
            return;
        }
        let remaining = if never_skipped {
            MAX_PARAM_SIZE + SUFFIX_ROOM
        } else {
            MAX_TOTAL_SIZE.saturating_sub(self.total)
        };
        let mut slot = Slot {
            limit: remaining.min(MAX_PARAM_SIZE),
            value: None,
        };
        capture(&mut slot);
        match slot.value {
            Some((value, size)) if size <= remaining => self.push(param, value, size),
            _ => self.truncated = true,
        }
    }

    /// Records a skipped parameter as the `<Type (excluded)>` text that
    /// `excluded` builds (see [`super::TelemetryId`]).
    #[inline]
    pub fn skipped(&mut self, param: &'static Param, excluded: impl FnOnce() -> String) {
        self.param(param, |slot| slot.text(&excluded()));
    }

    /// Records an extra `fields(...)` attribute (not counted or limited).
    pub fn field(&mut self, key: &'static str, value: impl Into<Value>) {
        self.span.set_attribute(KeyValue::new(
            opentelemetry::Key::from_static_str(key),
            value,
        ));
    }

    fn push(&mut self, param: &'static Param, value: Value, size: usize) {
        self.total += size;
        self.span.set_attribute(KeyValue::new(param.key(), value));
    }
}

/// Where one value is recorded; `limit` is the most bytes it may take.
#[derive(Debug)]
pub struct Slot {
    limit: usize,
    value: Option<(Value, usize)>,
}

impl Slot {
    /// A string, cut at the per-value limit.
    pub fn text(&mut self, s: &str) {
        if s.len() <= self.limit {
            self.value = Some((Value::from(s.to_owned()), s.len()));
        } else if self.limit == MAX_PARAM_SIZE {
            let cut = &s[..floor_char_boundary(s, MAX_PARAM_SIZE)];
            // Room for the suffix up front: appending it must not copy the
            // cut value again.
            let mut text = String::with_capacity(cut.len() + SUFFIX_ROOM);
            text.push_str(cut);
            self.set_truncated(text, OriginalSize::Exact(s.len()));
        }
        // else: it does not fit in what is left of the total; dropped.
    }

    /// An integer.
    pub fn int(&mut self, v: i64) {
        self.scalar(Value::I64(v));
    }

    /// A float.
    pub fn float(&mut self, v: f64) {
        self.scalar(Value::F64(v));
    }

    /// A bool.
    pub fn bool(&mut self, v: bool) {
        self.scalar(Value::Bool(v));
    }

    fn scalar(&mut self, value: Value) {
        if SCALAR_SIZE <= self.limit {
            self.value = Some((value, SCALAR_SIZE));
        }
    }

    /// A value's `Debug` form, formatting stopped at the limit.
    pub fn debug<T: Debug + ?Sized>(&mut self, v: &T) {
        let (text, rendered) = render(self.limit, |w| write!(w, "{v:?}"));
        match rendered {
            Rendered::Complete => {
                let size = text.len();
                self.value = Some((Value::from(text), size));
            }
            Rendered::Truncated { seen } if self.limit == MAX_PARAM_SIZE => {
                // Formatting stopped at the limit: `seen` is a lower bound.
                self.set_truncated(text, OriginalSize::AtLeast(seen));
            }
            Rendered::Truncated { .. } => {}
            Rendered::Failed => self.failed::<T>(),
        }
    }

    /// `<serialization failed: Type>`.
    pub fn failed<T: ?Sized>(&mut self) {
        let text = format!(
            "<serialization failed: {}>",
            short_type_name(std::any::type_name::<T>())
        );
        self.text(&text);
    }

    fn set_truncated(&mut self, mut text: String, original: OriginalSize) {
        let _ = match original {
            OriginalSize::Exact(n) => write!(text, "... (truncated, original size: {n} chars)"),
            OriginalSize::AtLeast(n) => {
                write!(text, "... (truncated, original size: at least {n} chars)")
            }
        };
        let size = text.len();
        self.value = Some((Value::from(text), size));
    }
}

/// The size of a value that was cut: known exactly for a string, only a
/// lower bound for a value whose formatting was stopped at the limit (it is
/// never formatted twice just to be measured).
#[derive(Debug, Clone, Copy)]
enum OriginalSize {
    Exact(usize),
    AtLeast(usize),
}
