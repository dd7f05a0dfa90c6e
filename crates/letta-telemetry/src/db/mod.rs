//! TODO(db): owned by the db work.
