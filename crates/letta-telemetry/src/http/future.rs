//! The response future of [`TelemetryService`](super::TelemetryService).

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use http::StatusCode;
use pin_project_lite::pin_project;

use super::body::TelemetryBody;
use super::error::error_response;
use super::recorder::{ErrorRecorded, Recorder};

/// A boxed inner call (used when the request body is read first).
pub(crate) type BoxedCall<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

pin_project! {
    #[project = KindProj]
    enum Kind<F, E> {
        Direct { #[pin] future: F },
        Boxed { future: BoxedCall<E> },
    }
}

pin_project! {
    /// Polls the inner service with the request context current, turns a
    /// panic into a 500 JSON response, and hands the response to the
    /// request's recorder.
    pub struct ResponseFuture<F, E> {
        #[pin]
        kind: Kind<F, E>,
        recorder: Option<Recorder>,
    }
}

impl<F, E> ResponseFuture<F, E> {
    pub(crate) fn direct(future: F, recorder: Option<Recorder>) -> Self {
        Self {
            kind: Kind::Direct { future },
            recorder,
        }
    }

    pub(crate) fn boxed(future: BoxedCall<E>, recorder: Option<Recorder>) -> Self {
        Self {
            kind: Kind::Boxed { future },
            recorder,
        }
    }
}

impl<F, E> std::fmt::Debug for ResponseFuture<F, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("instrumented", &self.recorder.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, E> Future for ResponseFuture<F, E>
where
    F: Future<Output = Result<Response, E>>,
    E: std::fmt::Display,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _guard = this.recorder.as_ref().map(Recorder::attach);
        let kind = this.kind;
        let polled = catch_unwind(AssertUnwindSafe(move || match kind.project() {
            KindProj::Direct { future } => future.poll(cx),
            KindProj::Boxed { future } => future.as_mut().poll(cx),
        }));
        if matches!(polled, Ok(Poll::Pending)) {
            return Poll::Pending;
        }
        // The recorder finishes inside `_guard`: its context is current.
        let recorder = this.recorder.take().map(|mut r| {
            r.in_context = true;
            r
        });
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(Ok(response))) => Poll::Ready(Ok(match recorder {
                Some(recorder) => respond(recorder, response),
                None => response,
            })),
            Ok(Poll::Ready(Err(error))) => {
                if let Some(recorder) = recorder {
                    recorder.fail(&error);
                }
                Poll::Ready(Err(error))
            }
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                let response = match recorder {
                    Some(recorder) => {
                        recorder.record_panic(&message);
                        respond(recorder, panic_response())
                    }
                    None => panic_response(),
                };
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Lets the recorder see the response; a body still to stream is wrapped so
/// that its end finishes the request.
fn respond(recorder: Recorder, mut response: Response) -> Response {
    match recorder.respond(&mut response) {
        Some(recorder) => response.map(|body| Body::new(TelemetryBody::new(body, recorder))),
        None => response,
    }
}

/// The response to a handler panic: 500 with the reference's JSON body. The
/// panic message is recorded on the span, never sent to the client.
fn panic_response() -> Response {
    let mut response = error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
    response.extensions_mut().insert(ErrorRecorded);
    response
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}
