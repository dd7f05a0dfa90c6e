//! The future of a traced async call.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::trace::TraceContextExt as _;

use super::call::Call;
use super::outcome::Outcome;
use crate::exception::record_exception;
use crate::timestamp::rfc3339_micros;

pin_project_lite::pin_project! {
    /// Polls the body with the call's span current; records the outcome when
    /// it completes, a panic when a poll panics, and a cancellation when it
    /// is dropped before completing.
    pub struct Instrumented<F, O> {
        #[pin]
        body: WithContext<F>,
        guard: CancelGuard<O>,
    }
}

/// Holds the call until it completes; dropping it earlier is a cancellation.
struct CancelGuard<O> {
    call: Option<(Call, O)>,
}

impl Call {
    /// Wraps an async body: the span is current at every poll, and the
    /// outcome, a panic or a cancellation is recorded.
    #[inline]
    pub fn run_async<F, O>(self, body: F, outcome: O) -> Instrumented<F, O>
    where
        F: Future,
        O: FnOnce(&F::Output, &mut Outcome),
    {
        Instrumented {
            body: body.with_context(self.context().clone()),
            guard: CancelGuard {
                call: Some((self, outcome)),
            },
        }
    }
}

impl<F, O> Future for Instrumented<F, O>
where
    F: Future,
    O: FnOnce(&F::Output, &mut Outcome),
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        let polled = catch_unwind(AssertUnwindSafe(|| this.body.poll(cx)));
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(ret)) => {
                if let Some((call, outcome)) = this.guard.call.take() {
                    call.finish(&ret, outcome);
                }
                Poll::Ready(ret)
            }
            Err(payload) => {
                if let Some((call, _)) = this.guard.call.take() {
                    call.panicked(&*payload);
                }
                resume_unwind(payload)
            }
        }
    }
}

impl<O> Drop for CancelGuard<O> {
    fn drop(&mut self) {
        let Some((call, _)) = self.call.take() else {
            return;
        };
        let meta = call.meta();
        let task = tokio::task::try_id().map_or_else(|| "unknown".to_owned(), |id| id.to_string());
        let _attached = call.context().clone().attach();
        let span = call.context().span();
        if call.recording() {
            record_exception(
                &span,
                "CancelledError",
                format!("{} was cancelled", meta.function()),
                vec![
                    KeyValue::new("task.name", task.clone()),
                    KeyValue::new("function.name", meta.function()),
                    KeyValue::new("function.module", meta.module()),
                    KeyValue::new("cancellation.timestamp", rfc3339_micros(SystemTime::now())),
                ],
            );
        }
        tracing::error!(
            function.name = meta.function(),
            function.module = meta.module(),
            task.name = %task,
            "traced call {} cancelled before completion",
            meta.function()
        );
        if call.recording() {
            span.end();
        }
    }
}
