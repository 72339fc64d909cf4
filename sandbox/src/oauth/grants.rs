//! Kommo's OAuth side for one integration: authorization codes, access tokens (JWTs) and
//! refresh tokens that rotate, as Kommo's do.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long an authorization code can be exchanged (Kommo: 20 minutes).
pub const CODE_TTL: Duration = Duration::from_secs(20 * 60);

/// The integration registered with the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The integration id (`client_id`, also `client_uuid` in `X-Auth-Token`).
    pub id: String,
    /// The client secret.
    pub secret: String,
    /// The Redirect URI, where install sends the code.
    pub redirect_uri: String,
}

/// The claims of an access token: what Kommo's carry that a client may look at.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The integration id.
    pub aud: String,
    /// Unique id of this token.
    pub jti: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Not before (Unix seconds).
    pub nbf: u64,
    /// Expires at (Unix seconds).
    pub exp: u64,
    /// The user who installed the integration.
    pub sub: String,
    /// The account.
    pub account_id: u64,
    /// What the token may do.
    pub scopes: Vec<String>,
}

/// A pair handed out by the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The access token (a JWT).
    pub access: String,
    /// The refresh token.
    pub refresh: String,
    /// Seconds the access token lives.
    pub expires_in: u64,
}

/// Why the token endpoint refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `client_id`, `client_secret` or `redirect_uri` do not match the integration.
    Client,
    /// The code is unknown, used or older than [`CODE_TTL`].
    Code,
    /// The refresh token is unknown, rotated away or revoked.
    Refresh,
}

/// One installation's chain of tokens.
#[derive(Debug)]
struct Grant {
    refresh: String,
    /// The refresh token this one replaced: still good until the newest access token is used.
    previous: Option<String>,
    access_jti: String,
}

/// Codes and grants of the integration.
#[derive(Debug)]
pub struct Grants {
    client: Client,
    account_id: u64,
    access_ttl: u64,
    signing: EncodingKey,
    checking: DecodingKey,
    codes: HashMap<String, Instant>,
    grants: Vec<Grant>,
}

/// A random token of 64 hex digits.
pub fn random_token() -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    a + &b
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Grants {
    /// No codes or grants yet; access tokens are signed with a key of this run's own.
    pub fn new(client: Client, account_id: u64, access_ttl: u64) -> Grants {
        let key = random_token().into_bytes();
        Grants {
            client,
            account_id,
            access_ttl,
            signing: EncodingKey::from_secret(&key).expect("a 64-byte HS256 key"),
            checking: DecodingKey::from_secret(&key).expect("a 64-byte HS256 key"),
            codes: HashMap::new(),
            grants: Vec::new(),
        }
    }

    /// The integration.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A new authorization code, as Kommo makes at install.
    pub fn new_code(&mut self, now: Instant) -> String {
        self.codes
            .retain(|_, at| now.duration_since(*at) < CODE_TTL);
        let code = random_token();
        self.codes.insert(code.clone(), now);
        code
    }

    /// Checks the client fields every grant sends.
    pub fn check_client(&self, id: &str, secret: &str, redirect_uri: &str) -> Result<(), Refusal> {
        let c = &self.client;
        (c.id == id && c.secret == secret && c.redirect_uri == redirect_uri)
            .then_some(())
            .ok_or(Refusal::Client)
    }

    /// Exchanges a code (once) for a first pair.
    pub fn exchange(&mut self, code: &str, now: Instant) -> Result<Pair, Refusal> {
        let issued = self.codes.remove(code).ok_or(Refusal::Code)?;
        if now.duration_since(issued) >= CODE_TTL {
            return Err(Refusal::Code);
        }
        let (access, jti) = self.sign();
        let refresh = random_token();
        self.grants.push(Grant {
            refresh: refresh.clone(),
            previous: None,
            access_jti: jti,
        });
        Ok(self.pair(access, refresh))
    }

    /// Rotates the pair of `refresh`: the current refresh token, or the one it replaced while
    /// the newest access token has not been used.
    pub fn refresh(&mut self, refresh: &str) -> Result<Pair, Refusal> {
        let (access, jti) = self.sign();
        let new_refresh = random_token();
        let g = self
            .grants
            .iter_mut()
            .find(|g| g.refresh == refresh || g.previous.as_deref() == Some(refresh))
            .ok_or(Refusal::Refresh)?;
        if g.refresh == refresh {
            g.previous = Some(std::mem::replace(&mut g.refresh, new_refresh.clone()));
        } else {
            g.refresh = new_refresh.clone();
        }
        g.access_jti = jti;
        Ok(self.pair(access, new_refresh))
    }

    /// Whether `token` is a live access token of this integration; using the newest one of
    /// its grant retires the refresh token it replaced.
    pub fn accept(&mut self, token: &str) -> bool {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[&self.client.id]);
        v.leeway = 0;
        let Ok(data) = jsonwebtoken::decode::<AccessClaims>(token, &self.checking, &v) else {
            return false;
        };
        let jti = data.claims.jti;
        match self.grants.iter_mut().find(|g| g.access_jti == jti) {
            Some(g) => {
                g.previous = None;
                true
            }
            // An older access token of a live grant still works until it expires.
            None => !self.grants.is_empty(),
        }
    }

    /// Forgets every code and grant: the integration was uninstalled.
    pub fn revoke_all(&mut self) {
        self.codes.clear();
        self.grants.clear();
    }

    fn pair(&self, access: String, refresh: String) -> Pair {
        Pair {
            access,
            refresh,
            expires_in: self.access_ttl,
        }
    }

    /// A new access token and its id.
    fn sign(&self) -> (String, String) {
        let now = now_secs();
        let claims = AccessClaims {
            aud: self.client.id.clone(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            nbf: now,
            exp: now + self.access_ttl,
            sub: "1".into(),
            account_id: self.account_id,
            scopes: vec!["crm".into()],
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.signing)
            .expect("HS256 signing cannot fail");
        (token, claims.jti)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants() -> Grants {
        Grants::new(
            Client {
                id: "cid".into(),
                secret: "s".into(),
                redirect_uri: "http://127.0.0.1:1/cb".into(),
            },
            7,
            60,
        )
    }

    #[test]
    fn a_code_works_once_and_not_after_twenty_minutes() {
        let mut g = grants();
        let t0 = Instant::now();
        let code = g.new_code(t0);
        let pair = g.exchange(&code, t0).unwrap();
        assert!(g.accept(&pair.access));
        assert_eq!(g.exchange(&code, t0), Err(Refusal::Code));
        let late = g.new_code(t0);
        assert_eq!(g.exchange(&late, t0 + CODE_TTL), Err(Refusal::Code));
    }

    #[test]
    fn the_old_refresh_token_works_until_the_new_access_token_is_used() {
        let mut g = grants();
        let t0 = Instant::now();
        let code = g.new_code(t0);
        let first = g.exchange(&code, t0).unwrap();
        let second = g.refresh(&first.refresh).unwrap();
        assert_ne!(second.refresh, first.refresh);
        // The answer was lost: the old refresh token still rotates.
        let third = g.refresh(&first.refresh).unwrap();
        assert_eq!(g.refresh(&second.refresh), Err(Refusal::Refresh));
        assert!(g.accept(&third.access));
        assert_eq!(g.refresh(&first.refresh), Err(Refusal::Refresh));
        assert!(g.refresh(&third.refresh).is_ok());
    }

    #[test]
    fn tokens_signed_elsewhere_or_revoked_are_refused() {
        let mut g = grants();
        let t0 = Instant::now();
        let code = g.new_code(t0);
        let pair = g.exchange(&code, t0).unwrap();
        let other = grants();
        let forged = other.sign().0;
        assert!(!g.accept(&forged));
        assert!(!g.accept("not-a-jwt"));
        g.revoke_all();
        assert!(!g.accept(&pair.access));
        assert_eq!(g.refresh(&pair.refresh), Err(Refusal::Refresh));
    }
}
