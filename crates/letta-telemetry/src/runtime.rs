//! SKELETON: runtime.
