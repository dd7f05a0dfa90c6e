//! TODO(http): owned by the http work.
