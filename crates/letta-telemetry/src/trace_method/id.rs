//! Ids of skipped values: the [`TelemetryId`] trait (with its derive), its
//! collection form [`TelemetryIds`], and the `<Type (excluded)>` text.

use std::collections::VecDeque;
use std::fmt::{Display, Write as _};
use std::rc::Rc;
use std::sync::Arc;

use super::type_name::short_type_name;

/// How many ids of a skipped collection are listed.
const LISTED_IDS: usize = 5;

/// A value with an id, shown when the value itself is skipped:
/// `<AgentState (excluded, id=agent-1)>`.
///
/// Derive it for a struct with an `id` field whose type is `Display` or an
/// `Option` of a `Display` type:
///
/// ```
/// #[derive(letta_telemetry::TelemetryId)]
/// struct AgentState {
///     id: String,
///     // ...
/// }
/// use letta_telemetry::TelemetryId as _;
/// let a = AgentState { id: "agent-1".into() };
/// assert_eq!(a.telemetry_id().as_deref(), Some("agent-1"));
/// ```
pub trait TelemetryId {
    /// The id, or `None` when this value has none.
    fn telemetry_id(&self) -> Option<String>;
}

/// A collection of [`TelemetryId`] values, shown when skipped as
/// `<Vec<Message> (excluded, ids=[a,b,c,d,e... (N total)])>`.
///
/// Implemented for slices, arrays, `Vec` and `VecDeque` of `TelemetryId`
/// values, and through references and boxes.
pub trait TelemetryIds {
    /// The ids of the first `n` elements that have one, and the number of
    /// elements.
    fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize);
}

macro_rules! forward_id {
    ($($t:ident => $ty:ty),*) => {$(
        impl<$t: TelemetryId + ?Sized> TelemetryId for $ty {
            fn telemetry_id(&self) -> Option<String> {
                (**self).telemetry_id()
            }
        }
        impl<$t: TelemetryIds + ?Sized> TelemetryIds for $ty {
            fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize) {
                (**self).telemetry_ids(n)
            }
        }
    )*};
}
forward_id!(T => &T, T => &mut T, T => Box<T>, T => Arc<T>, T => Rc<T>);

impl<T: TelemetryId> TelemetryId for Option<T> {
    fn telemetry_id(&self) -> Option<String> {
        self.as_ref().and_then(TelemetryId::telemetry_id)
    }
}

fn first_ids<'a, T: TelemetryId + 'a>(
    items: impl ExactSizeIterator<Item = &'a T>,
    n: usize,
) -> (Vec<String>, usize) {
    let total = items.len();
    let ids = items
        .filter_map(TelemetryId::telemetry_id)
        .take(n)
        .collect();
    (ids, total)
}

impl<T: TelemetryId> TelemetryIds for [T] {
    fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize) {
        first_ids(self.iter(), n)
    }
}

impl<T: TelemetryId, const N: usize> TelemetryIds for [T; N] {
    fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize) {
        first_ids(self.iter(), n)
    }
}

impl<T: TelemetryId> TelemetryIds for Vec<T> {
    fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize) {
        first_ids(self.iter(), n)
    }
}

impl<T: TelemetryId> TelemetryIds for VecDeque<T> {
    fn telemetry_ids(&self, n: usize) -> (Vec<String>, usize) {
        first_ids(self.iter(), n)
    }
}

/// `<Type (excluded)>`, or `<Type (excluded, <detail>)>` when `detail`
/// writes something (the ids, inside the marker as the reference writes them).
fn excluded<T: ?Sized>(detail: impl FnOnce(&mut String)) -> String {
    let mut text = format!("<{} (excluded", short_type_name(std::any::type_name::<T>()));
    let bare = text.len();
    text.push_str(", ");
    detail(&mut text);
    if text.len() == bare + 2 {
        text.truncate(bare);
    }
    text.push_str(")>");
    text
}

/// Autoref-specialisation probe for a skipped value.
pub struct IdProbe<'a, T: ?Sized>(pub &'a T);

/// Skipped value with one id.
pub trait IdSingle {
    /// The excluded text.
    fn lt_excluded(&self) -> String;
}

impl<T: TelemetryId + ?Sized> IdSingle for &&IdProbe<'_, T> {
    fn lt_excluded(&self) -> String {
        excluded::<T>(|text| {
            if let Some(id) = self.0.telemetry_id() {
                let _ = write!(text, "id={id}");
            }
        })
    }
}

/// Skipped collection of values with ids.
pub trait IdCollection {
    /// The excluded text.
    fn lt_excluded(&self) -> String;
}

impl<T: TelemetryIds + ?Sized> IdCollection for &IdProbe<'_, T> {
    fn lt_excluded(&self) -> String {
        excluded::<T>(|text| {
            let (ids, total) = self.0.telemetry_ids(LISTED_IDS);
            let _ = write!(text, "ids=[{}", ids.join(","));
            if total > LISTED_IDS {
                let _ = write!(text, "... ({total} total)");
            }
            text.push(']');
        })
    }
}

/// Skipped value without an id.
pub trait IdOpaque {
    /// The excluded text.
    fn lt_excluded(&self) -> String;
}

impl<T: ?Sized> IdOpaque for IdProbe<'_, T> {
    fn lt_excluded(&self) -> String {
        excluded::<T>(|_| {})
    }
}

/// Autoref-specialisation probe for the `id` field in `#[derive(TelemetryId)]`.
pub struct IdField<'a, T: ?Sized>(pub &'a T);

/// An `Option` id field.
pub trait IdFieldOption {
    /// The id as text.
    fn lt_id(&self) -> Option<String>;
}

impl<T: Display> IdFieldOption for &IdField<'_, Option<T>> {
    fn lt_id(&self) -> Option<String> {
        self.0.as_ref().map(ToString::to_string)
    }
}

/// A `Display` id field.
pub trait IdFieldDisplay {
    /// The id as text.
    fn lt_id(&self) -> Option<String>;
}

impl<T: Display + ?Sized> IdFieldDisplay for IdField<'_, T> {
    fn lt_id(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}
