//! What a call returned: `Err` values become exceptions, chosen at compile
//! time by autoref specialisation on [`OutcomeProbe`].

use std::any::Any;
use std::borrow::Cow;
use std::fmt::{Debug, Display, Write as _};

use opentelemetry::trace::Status;

use super::MAX_PARAM_SIZE;
use super::type_name::short_type_name;
use super::writer::render;
use crate::exception::record_exception;

/// The outcome of one call, filled by the probe.
#[derive(Debug, Default)]
pub struct Outcome {
    error: Option<(Cow<'static, str>, String)>,
}

impl Outcome {
    fn error<E: ?Sized>(&mut self, message: String) {
        self.error = Some((short_type_name(std::any::type_name::<E>()), message));
    }

    /// Sets the span's status and records the exception, if any.
    pub(crate) fn apply(self, span: &opentelemetry::trace::SpanRef<'_>) {
        match self.error {
            None => span.set_status(Status::Ok),
            Some((ty, message)) => record_exception(span, ty, message, Vec::new()),
        }
    }
}

/// The message of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

fn bounded(format: impl FnOnce(&mut super::writer::BoundedWriter) -> std::fmt::Result) -> String {
    render(MAX_PARAM_SIZE, format).0
}

/// Autoref-specialisation probe:
/// `(&&&&OutcomeProbe(&ret)).lt_outcome(&mut outcome)`.
pub struct OutcomeProbe<'a, T: ?Sized>(pub &'a T);

/// `Result<_, E>` with `E: Display`.
pub trait OutcomeDisplayErr {
    /// Fills `outcome`.
    fn lt_outcome(&self, outcome: &mut Outcome);
}

impl<T, E: Display> OutcomeDisplayErr for &&&OutcomeProbe<'_, Result<T, E>> {
    fn lt_outcome(&self, outcome: &mut Outcome) {
        if let Err(e) = self.0 {
            outcome.error::<E>(bounded(|w| write!(w, "{e}")));
        }
    }
}

/// `Result<_, E>` with `E: Debug`.
pub trait OutcomeDebugErr {
    /// Fills `outcome`.
    fn lt_outcome(&self, outcome: &mut Outcome);
}

impl<T, E: Debug> OutcomeDebugErr for &&OutcomeProbe<'_, Result<T, E>> {
    fn lt_outcome(&self, outcome: &mut Outcome) {
        if let Err(e) = self.0 {
            outcome.error::<E>(bounded(|w| write!(w, "{e:?}")));
        }
    }
}

/// Any other `Result`.
pub trait OutcomeOpaqueErr {
    /// Fills `outcome`.
    fn lt_outcome(&self, outcome: &mut Outcome);
}

impl<T, E> OutcomeOpaqueErr for &OutcomeProbe<'_, Result<T, E>> {
    fn lt_outcome(&self, outcome: &mut Outcome) {
        if self.0.is_err() {
            outcome.error::<E>(String::new());
        }
    }
}

/// Anything else: success.
pub trait OutcomeOk {
    /// Fills `outcome`.
    fn lt_outcome(&self, outcome: &mut Outcome);
}

impl<T: ?Sized> OutcomeOk for OutcomeProbe<'_, T> {
    fn lt_outcome(&self, _outcome: &mut Outcome) {}
}
