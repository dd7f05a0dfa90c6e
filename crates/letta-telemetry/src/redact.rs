//! SKELETON: redact.
