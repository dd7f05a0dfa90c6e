//! Builders shared by the instrument domains: one call per instrument kind,
//! so each domain file lists only names, units, descriptions and buckets.

use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};

/// The meter every instrument of the registry is created on.
pub(super) struct Make<'a> {
    pub(super) meter: &'a Meter,
}

impl Make<'_> {
    /// An `f64` histogram with explicit bucket boundaries.
    pub(super) fn hist(
        &self,
        name: &'static str,
        unit: &'static str,
        description: &'static str,
        boundaries: &[f64],
    ) -> Histogram<f64> {
        self.meter
            .f64_histogram(name)
            .with_unit(unit)
            .with_description(description)
            .with_boundaries(boundaries.to_vec())
            .build()
    }

    /// A `u64` histogram with explicit bucket boundaries.
    pub(super) fn uhist(
        &self,
        name: &'static str,
        unit: &'static str,
        description: &'static str,
        boundaries: &[f64],
    ) -> Histogram<u64> {
        self.meter
            .u64_histogram(name)
            .with_unit(unit)
            .with_description(description)
            .with_boundaries(boundaries.to_vec())
            .build()
    }

    /// A `u64` counter of unit `1`.
    pub(super) fn counter(&self, name: &'static str, description: &'static str) -> Counter<u64> {
        self.meter
            .u64_counter(name)
            .with_unit("1")
            .with_description(description)
            .build()
    }

    /// An `i64` up-down counter of unit `1`.
    pub(super) fn updown(
        &self,
        name: &'static str,
        description: &'static str,
    ) -> UpDownCounter<i64> {
        self.meter
            .i64_up_down_counter(name)
            .with_unit("1")
            .with_description(description)
            .build()
    }
}
