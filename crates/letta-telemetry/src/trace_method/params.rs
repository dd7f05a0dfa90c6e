//! The parameters of one call: per-value and total limits, redaction,
//! skipping.

use std::fmt::{Debug, Write as _};

use opentelemetry::{KeyValue, Value};

use super::meta::Param;
use super::type_name::short_type_name;
use super::writer::{Rendered, floor_char_boundary, render};
use super::{MAX_PARAM_SIZE, MAX_TOTAL_SIZE};
use crate::redact::REDACTED;

/// Size counted for a number or bool against the total limit.
const SCALAR_SIZE: usize = 8;

/// Collects the `parameter.*` attributes of one span.
#[derive(Debug, Default)]
pub struct Params {
    attributes: Vec<KeyValue>,
    total: usize,
    truncated: bool,
}

impl Params {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            attributes: Vec::with_capacity(n + 2),
            ..Self::default()
        }
    }

    /// Records a parameter through `capture` (which calls one method of the
    /// [`Slot`]), unless its name is secret or the total limit was reached.
    #[inline]
    pub fn param(&mut self, param: &'static Param, capture: impl FnOnce(&mut Slot)) {
        if self.truncated {
            return;
        }
        if param.is_secret() {
            self.push(param, Value::from(REDACTED), REDACTED.len());
            return;
        }
        let remaining = MAX_TOTAL_SIZE - self.total;
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
        self.attributes.push(KeyValue::new(
            opentelemetry::Key::from_static_str(key),
            value,
        ));
    }

    fn push(&mut self, param: &'static Param, value: Value, size: usize) {
        self.total += size;
        self.attributes.push(KeyValue::new(param.key(), value));
    }

    pub(crate) fn into_attributes(mut self) -> Vec<KeyValue> {
        if self.truncated {
            self.attributes
                .push(KeyValue::new("parameters.truncated", true));
            self.attributes.push(KeyValue::new(
                "parameters.truncated_reason",
                format!("Total size exceeded {MAX_TOTAL_SIZE} bytes"),
            ));
        }
        self.attributes
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
            self.set_truncated(cut.to_owned(), s.len());
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
                self.set_truncated(text, seen);
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

    fn set_truncated(&mut self, mut text: String, original: usize) {
        let _ = write!(text, "... (truncated, original size: {original} chars)");
        let size = text.len();
        self.value = Some((Value::from(text), size));
    }
}
