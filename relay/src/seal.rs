//! Tokens at rest: XChaCha20-Poly1305 with a fresh random nonce per value, bound to the
//! account and the field it belongs to, so a sealed value cannot be moved to another row.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Prefix of every sealed value: the format's version.
const VERSION: &str = "v1.";
/// XChaCha20's nonce length.
const NONCE_LEN: usize = 24;

/// Which token a sealed value holds; part of the associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The access token.
    Access,
    /// The refresh token.
    Refresh,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Access => "access",
            Field::Refresh => "refresh",
        }
    }
}

/// A value could not be opened: another key sealed it, or it was changed or moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

/// Seals and opens token values with the relay's key.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    /// A sealer for this 32-byte key.
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// `plain` sealed for `account`'s `field`, as text.
    pub fn seal(&self, account: i64, field: Field, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated(account, field);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any length a token has");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The plain value of `sealed`, when it was sealed with this key for `account`'s `field`.
    pub fn open(&self, account: i64, field: Field, sealed: &str) -> Result<String, Unreadable> {
        let bytes = sealed
            .strip_prefix(VERSION)
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(Unreadable)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let aad = associated(account, field);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

fn associated(account: i64, field: Field) -> String {
    format!("kommo-relay:{account}:{}", field.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_where_it_was_sealed() {
        let s = Sealer::new(&[7; 32]);
        let sealed = s.seal(42, Field::Access, "eyJ.token.value");
        assert!(!sealed.contains("eyJ"));
        assert_eq!(
            s.open(42, Field::Access, &sealed).unwrap(),
            "eyJ.token.value"
        );
        assert_eq!(s.open(43, Field::Access, &sealed), Err(Unreadable));
        assert_eq!(s.open(42, Field::Refresh, &sealed), Err(Unreadable));
        assert_eq!(
            Sealer::new(&[8; 32]).open(42, Field::Access, &sealed),
            Err(Unreadable)
        );
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        assert_eq!(s.open(42, Field::Access, &changed), Err(Unreadable));
        assert_eq!(s.open(42, Field::Access, "v1."), Err(Unreadable));
        assert_eq!(s.open(42, Field::Access, "plain"), Err(Unreadable));
    }

    #[test]
    fn the_same_token_seals_differently_each_time() {
        let s = Sealer::new(&[1; 32]);
        assert_ne!(
            s.seal(1, Field::Refresh, "r"),
            s.seal(1, Field::Refresh, "r")
        );
    }
}
