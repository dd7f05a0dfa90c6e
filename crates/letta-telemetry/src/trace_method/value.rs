//! How one parameter value is recorded: natively (strings, numbers, bools),
//! through `Debug`, or by type name — chosen at compile time by autoref
//! specialisation on [`Probe`].

use std::borrow::Cow;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::Arc;

use super::params::Slot;

/// Values recorded as themselves rather than through `Debug`.
pub trait Native {
    /// Records the value into `slot`.
    fn record(&self, slot: &mut Slot);
}

macro_rules! native_str {
    ($($ty:ty),*) => {$(
        impl Native for $ty {
            fn record(&self, slot: &mut Slot) {
                slot.text(self);
            }
        }
    )*};
}
native_str!(str, String, Cow<'_, str>, Box<str>, Arc<str>, Rc<str>);

macro_rules! native_int {
    ($($ty:ty),*) => {$(
        impl Native for $ty {
            fn record(&self, slot: &mut Slot) {
                match i64::try_from(*self) {
                    Ok(v) => slot.int(v),
                    Err(_) => slot.text(&self.to_string()),
                }
            }
        }
    )*};
}
native_int!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

impl Native for f32 {
    fn record(&self, slot: &mut Slot) {
        slot.float(f64::from(*self));
    }
}

impl Native for f64 {
    fn record(&self, slot: &mut Slot) {
        slot.float(*self);
    }
}

impl Native for bool {
    fn record(&self, slot: &mut Slot) {
        slot.bool(*self);
    }
}

impl Native for char {
    fn record(&self, slot: &mut Slot) {
        slot.text(self.encode_utf8(&mut [0; 4]));
    }
}

impl<T: Native + ?Sized> Native for &T {
    fn record(&self, slot: &mut Slot) {
        (**self).record(slot);
    }
}

impl<T: Native + ?Sized> Native for &mut T {
    fn record(&self, slot: &mut Slot) {
        (**self).record(slot);
    }
}

/// Autoref-specialisation probe: `(&&&Probe(&value)).lt_capture(slot)`
/// picks [`CaptureNative`], then [`CaptureDebug`], then [`CaptureOpaque`].
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// Strings, numbers and bools.
pub trait CaptureNative {
    /// Records the probed value.
    fn lt_capture(&self, slot: &mut Slot);
}

impl<T: Native + ?Sized> CaptureNative for &&Probe<'_, T> {
    fn lt_capture(&self, slot: &mut Slot) {
        self.0.record(slot);
    }
}

/// Anything `Debug`.
pub trait CaptureDebug {
    /// Records the probed value.
    fn lt_capture(&self, slot: &mut Slot);
}

impl<T: Debug + ?Sized> CaptureDebug for &Probe<'_, T> {
    fn lt_capture(&self, slot: &mut Slot) {
        slot.debug(self.0);
    }
}

/// Anything else: recorded as `<serialization failed: Type>`.
pub trait CaptureOpaque {
    /// Records the probed value.
    fn lt_capture(&self, slot: &mut Slot);
}

impl<T: ?Sized> CaptureOpaque for Probe<'_, T> {
    fn lt_capture(&self, slot: &mut Slot) {
        slot.failed::<T>();
    }
}
