//! Keeping a secret out of server text that the UI shows.

/// Replaces every occurrence of `secret` in `body` with `[token]`: a server may echo the
/// request's header back in a detail or a trace, and the UI shows server text.
pub fn redact(body: &mut Vec<u8>, secret: &str) {
    let s = secret.as_bytes();
    if s.is_empty() || body.len() < s.len() {
        return;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(s) {
            out.extend_from_slice(b"[token]");
            i += s.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    *body = out;
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn every_copy_of_the_token_is_redacted() {
        let mut body = b"{\"detail\":\"bad token abc; abcab\"}".to_vec();
        redact(&mut body, "abc");
        assert_eq!(body, b"{\"detail\":\"bad token [token]; [token]ab\"}");
        let mut short = b"ab".to_vec();
        redact(&mut short, "abc");
        assert_eq!(short, b"ab");
    }
}
