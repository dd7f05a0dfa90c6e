//! The response body wrapper that finishes the request when the body ends,
//! fails, or is dropped early (the client disconnected).

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;

use super::recorder::{Outcome, Recorder};

pin_project! {
    /// A response body that ends the request's span and metrics with the
    /// body. Dropping it before the end records a client disconnect.
    pub(crate) struct TelemetryBody {
        #[pin]
        inner: Body,
        recorder: Recorder,
    }
}

impl TelemetryBody {
    pub(crate) fn new(inner: Body, recorder: Recorder) -> Self {
        Self { inner, recorder }
    }
}

impl http_body::Body for TelemetryBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut this = self.project();
        let polled = this.inner.as_mut().poll_frame(cx);
        match &polled {
            Poll::Ready(None) => this.recorder.finish(Outcome::Completed),
            Poll::Ready(Some(Err(error))) => {
                this.recorder.finish(Outcome::BodyError(error.to_string()));
            }
            Poll::Ready(Some(Ok(_))) if this.inner.is_end_stream() => {
                this.recorder.finish(Outcome::Completed);
            }
            Poll::Ready(Some(Ok(_))) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
