//! letta-server
