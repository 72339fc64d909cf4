//! Percent-encoding of query strings, written out so the wire format is exact and tested.
//!
//! Keys and values are encoded alike: every byte outside RFC 3986's unreserved set
//! (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so `filter[external_id][0]` goes out as
//! `filter%5Bexternal_id%5D%5B0%5D`. Servers (PHP, axum's serde_urlencoded) decode both
//! forms to the same array; encoding brackets keeps the query valid by the RFC's letter.

/// Appends `s` to `out` with every byte but the unreserved ones percent-encoded.
fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// A whole query string (without `?`) from key/value pairs, in order.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k);
        out.push('=');
        encode_into(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii_bytes() {
        let pairs = [("a b&c+d#e", "é"), ("Az09-._~", "")].map(|(k, v)| (k.into(), v.into()));
        assert_eq!(encode_query(&pairs), "a%20b%26c%2Bd%23e=%C3%A9&Az09-._~=");
    }
}
