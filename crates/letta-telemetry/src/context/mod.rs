//! TODO(context): owned by the context work.
