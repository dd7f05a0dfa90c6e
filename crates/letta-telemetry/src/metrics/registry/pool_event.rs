//! The events of the pool-event counter `count_db_pool_connection_events`.

/// Events of the pool-event counter `count_db_pool_connection_events`.
///
/// All ten reference events are listed so that dashboards keep their series;
/// sqlx produces `connect`, `first_connect`, `checkout`, `checkin`, `close`
/// and `invalidate` (a connection rejected by a health check). The others
/// (`soft_invalidate`, `detach`, `close_detached`, `reset`) are SQLAlchemy
/// concepts with no sqlx counterpart and are never recorded by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PoolEvent {
    /// A new connection was opened.
    Connect,
    /// The first connection of a pool was opened.
    FirstConnect,
    /// A connection was checked out.
    Checkout,
    /// A connection was returned to the pool.
    Checkin,
    /// A connection was found broken and discarded.
    Invalidate,
    /// SQLAlchemy's soft invalidation (no sqlx counterpart).
    SoftInvalidate,
    /// A connection was closed.
    Close,
    /// A detached connection was closed (no sqlx counterpart).
    CloseDetached,
    /// A connection was detached from the pool (no sqlx counterpart).
    Detach,
    /// A connection was reset on return (no sqlx counterpart).
    Reset,
}

impl PoolEvent {
    /// The reference's name of the event.
    pub const fn as_str(self) -> &'static str {
        match self {
            PoolEvent::Connect => "connect",
            PoolEvent::FirstConnect => "first_connect",
            PoolEvent::Checkout => "checkout",
            PoolEvent::Checkin => "checkin",
            PoolEvent::Invalidate => "invalidate",
            PoolEvent::SoftInvalidate => "soft_invalidate",
            PoolEvent::Close => "close",
            PoolEvent::CloseDetached => "close_detached",
            PoolEvent::Detach => "detach",
            PoolEvent::Reset => "reset",
        }
    }
}

impl std::fmt::Display for PoolEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
