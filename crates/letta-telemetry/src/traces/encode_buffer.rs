//! The buffer an OTLP exporter encodes a request into, sized from the
//! requests before it so that encoding does not grow (and copy) it.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Room added to a request's predicted size, in sixteenths of it (and at
/// least [`MIN_SLACK`] bytes): batches differ a little in what their spans
/// carry.
const SLACK_SIXTEENTHS: usize = 2;

/// Least room added to a prediction.
const MIN_SLACK: usize = 1024;

/// Encoded bytes per span of the last request, to size the next one.
#[derive(Debug, Default)]
pub(crate) struct EncodeBuffer {
    bytes_per_span: AtomicUsize,
}

impl EncodeBuffer {
    /// An empty buffer with room for a request of `spans` spans like the
    /// last one's, plus some slack.
    pub(crate) fn for_spans(&self, spans: usize) -> Vec<u8> {
        let predicted = self
            .bytes_per_span
            .load(Ordering::Relaxed)
            .saturating_mul(spans);
        let slack = (predicted / 16 * SLACK_SIXTEENTHS).max(MIN_SLACK);
        Vec::with_capacity(predicted.saturating_add(slack))
    }

    /// Notes a request of `len` bytes for `spans` spans.
    pub(crate) fn note(&self, len: usize, spans: usize) {
        if spans > 0 {
            self.bytes_per_span
                .store(len.div_ceil(spans), Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_like_the_last_fits_without_growing() {
        let buffer = EncodeBuffer::default();
        assert!(buffer.for_spans(512).capacity() >= MIN_SLACK);
        buffer.note(512 * 700 + 3, 512);
        // a larger batch of spans like those: room for all of them
        assert!(buffer.for_spans(600).capacity() >= 600 * 701);
        // and some slack for spans a little larger
        assert!(buffer.for_spans(600).capacity() >= 600 * 701 * 17 / 16);
        buffer.note(0, 0);
        assert!(buffer.for_spans(1).capacity() >= 701);
    }
}
