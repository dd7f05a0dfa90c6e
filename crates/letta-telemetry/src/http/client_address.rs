//! Who sent a request, as attribute values: the client IP's text, cached
//! per thread; and the decimal writer the address texts share. Numbers are
//! written by hand because these run on every traced request and `format!`
//! costs more than the rest of the attribute.

use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;

use opentelemetry::{StringValue, Value};

/// Appends the decimal digits of `n`.
pub(crate) fn push_decimal(out: &mut String, n: u16) {
    let mut buf = [0u8; 5];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        // n % 10 < 10: the cast cannot truncate
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Number of decimal digits of `n`.
pub(crate) fn decimal_len(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// Client addresses formatted on this thread lately: a server behind a
/// proxy or load balancer sees a few over and over, and the requests of one
/// keep-alive connection the same one.
const CLIENT_SLOTS: usize = 4;

/// The last [`CLIENT_SLOTS`] client addresses of this thread and their
/// text, replaced round-robin.
#[derive(Default)]
struct ClientCache {
    slots: [Option<(IpAddr, Arc<str>)>; CLIENT_SLOTS],
    next: usize,
}

thread_local! {
    static CLIENTS: RefCell<ClientCache> = RefCell::default();
}

/// An IP address as an attribute value, its text shared with the other
/// requests from the same address on this thread (formatting and
/// allocating it was ~0.5 thousand instructions per traced request).
pub(crate) fn ip_value(ip: IpAddr) -> Value {
    let cached = CLIENTS.try_with(|cell| {
        let mut cache = cell.try_borrow_mut().ok()?;
        if let Some((_, text)) = cache.slots.iter().flatten().find(|(seen, _)| *seen == ip) {
            return Some(text.clone());
        }
        let text: Arc<str> = Arc::from(ip_text(ip));
        let at = cache.next;
        if let Some(slot) = cache.slots.get_mut(at) {
            *slot = Some((ip, text.clone()));
        }
        cache.next = (at + 1) % CLIENT_SLOTS;
        Some(text)
    });
    match cached {
        Ok(Some(text)) => Value::String(StringValue::from(text)),
        // during thread teardown
        _ => Value::from(ip_text(ip)),
    }
}

/// An IP address as text (IPv4 without the formatting machinery).
fn ip_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let mut s = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                push_decimal(&mut s, u16::from(octet));
            }
            s
        }
        IpAddr::V6(_) => ip.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_addresses_are_written_plainly() {
        for n in [0u16, 7, 10, 80, 443, 8283, 65535] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
            assert_eq!(decimal_len(n), s.len());
        }
        let v4: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v4).as_str(), "127.0.0.1");
        let v4: IpAddr = "255.10.0.200".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v4).as_str(), "255.10.0.200");
        let v6: IpAddr = "::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v6).as_str(), "::1");
    }

    #[test]
    fn a_client_address_seen_lately_shares_its_text() {
        let text = |v: &Value| match v {
            Value::String(s) => s.as_str().as_ptr(),
            _ => std::ptr::null(),
        };
        let first = ip_value(IpAddr::from([10, 0, 0, 1]));
        let again = ip_value(IpAddr::from([10, 0, 0, 1]));
        assert_eq!(again.as_str(), "10.0.0.1");
        assert_eq!(text(&first), text(&again));
        // more distinct clients than slots: the oldest is formatted anew,
        // and every value stays right
        for i in 0..=CLIENT_SLOTS as u8 {
            let ip = IpAddr::from([10, 0, 1, i]);
            assert_eq!(ip_value(ip).as_str(), format!("10.0.1.{i}"));
        }
        let later = ip_value(IpAddr::from([10, 0, 0, 1]));
        assert_eq!(later.as_str(), "10.0.0.1");
        assert_ne!(text(&first), text(&later));
        let v6: IpAddr = "2001:db8::7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v6).as_str(), "2001:db8::7");
    }
}
