//! Timeouts of the server's dependencies: the cache and the model providers.
//! Recorded by the clients that call them.

use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;

use super::make::Make;
use crate::metrics::attributes::{self as attr, with_context};

/// The dependency instruments.
pub(super) struct Dependencies {
    /// `redis_timeout_total` (counter, `1`): cache timeouts (`operation`).
    redis_timeout_total: Counter<u64>,
    /// `provider_timeout_total` (counter, `1`): model provider timeouts (`provider`).
    provider_timeout_total: Counter<u64>,
}

impl Dependencies {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Dependencies {
            redis_timeout_total: make.counter("redis_timeout_total", "Cache timeouts"),
            provider_timeout_total: make
                .counter("provider_timeout_total", "Model provider timeouts"),
        }
    }

    pub(super) fn add_redis_timeout(&self, operation: &str) {
        let own = [KeyValue::new(attr::OPERATION, attr::shared(operation))];
        with_context(own, |a| self.redis_timeout_total.add(1, a));
    }

    pub(super) fn add_provider_timeout(&self, provider: &str) {
        let own = [KeyValue::new(attr::PROVIDER, attr::shared(provider))];
        with_context(own, |a| self.provider_timeout_total.add(1, a));
    }
}
