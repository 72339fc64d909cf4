//! Kommo's OAuth side for one integration: authorization codes, access tokens (JWTs) and
//! refresh tokens that rotate, as Kommo's do: each refresh token works once and expires when
//! left unused too long.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Whether a refresh token that a refresh replaced may be used again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshReuse {
    /// As Kommo: every refresh token works once, across every client of the integration.
    #[default]
    Strict,
    /// The replaced refresh token still rotates until the newest access token is used, so a
    /// client that lost the answer to a refresh can try again.
    Grace,
}

impl std::str::FromStr for RefreshReuse {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "strict" => Ok(RefreshReuse::Strict),
            "grace" => Ok(RefreshReuse::Grace),
            _ => Err(format!("strict or grace, not {s:?}")),
        }
    }
}

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

/// How refresh tokens age and whether a replaced one may be used again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshRules {
    /// How long a refresh token lasts unused after it was issued (Kommo: 3 months).
    pub ttl: Duration,
    /// Whether a replaced refresh token still rotates.
    pub reuse: RefreshReuse,
}

/// Why the token endpoint refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `client_id`, `client_secret` or `redirect_uri` do not match the integration.
    Client,
    /// The code is unknown, used or older than [`CODE_TTL`].
    Code,
    /// The refresh token is unknown, already used, or revoked by an uninstall.
    Revoked,
    /// The refresh token was left unused for longer than its lifetime.
    Expired,
}

/// A refresh token and when it was issued, which its expiry counts from.
#[derive(Debug)]
struct Issued {
    token: String,
    at: Instant,
}

/// One installation's chain of tokens.
#[derive(Debug)]
struct Grant {
    refresh: Issued,
    /// Only under [`RefreshReuse::Grace`]: the refresh token this one replaced, still good
    /// until the newest access token is used.
    previous: Option<Issued>,
    access_jti: String,
}

/// Codes and grants of the integration.
#[derive(Debug)]
pub struct Grants {
    client: Client,
    account_id: u64,
    access_ttl: u64,
    refresh_rules: RefreshRules,
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
    pub fn new(
        client: Client,
        account_id: u64,
        access_ttl: u64,
        refresh_rules: RefreshRules,
    ) -> Grants {
        let key = random_token().into_bytes();
        Grants {
            client,
            account_id,
            access_ttl,
            refresh_rules,
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
            refresh: Issued {
                token: refresh.clone(),
                at: now,
            },
            previous: None,
            access_jti: jti,
        });
        Ok(self.pair(access, refresh))
    }

    /// Rotates the pair of `refresh`, which must be the grant's current refresh token (under
    /// [`RefreshReuse::Grace`] also the one it replaced, while the newest access token has not
    /// been used) and issued no longer than the refresh lifetime before `now`.
    pub fn refresh(&mut self, refresh: &str, now: Instant) -> Result<Pair, Refusal> {
        let (access, jti) = self.sign();
        let RefreshRules { ttl, reuse } = self.refresh_rules;
        let grace = reuse == RefreshReuse::Grace;
        let (g, issued) = self
            .grants
            .iter_mut()
            .find_map(|g| {
                let used = if g.refresh.token == refresh {
                    Some(&g.refresh)
                } else {
                    g.previous.as_ref().filter(|p| grace && p.token == refresh)
                };
                used.map(|u| u.at).map(|at| (g, at))
            })
            .ok_or(Refusal::Revoked)?;
        let current = g.refresh.token == refresh;
        if now.saturating_duration_since(issued) > ttl {
            return Err(Refusal::Expired);
        }
        let new_refresh = random_token();
        let replaced = std::mem::replace(
            &mut g.refresh,
            Issued {
                token: new_refresh.clone(),
                at: now,
            },
        );
        // A retry with the replaced token keeps the same one to fall back on.
        if current {
            g.previous = grace.then_some(replaced);
        }
        g.access_jti = jti;
        Ok(self.pair(access, new_refresh))
    }

    /// Whether `token` is a live access token of this integration; using the newest one of
    /// its grant retires the refresh token it replaced (kept only under grace).
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

    const DAY: Duration = Duration::from_secs(86_400);

    fn grants_with(reuse: RefreshReuse) -> Grants {
        Grants::new(
            Client {
                id: "cid".into(),
                secret: "s".into(),
                redirect_uri: "http://127.0.0.1:1/cb".into(),
            },
            7,
            60,
            RefreshRules { ttl: DAY, reuse },
        )
    }

    fn grants() -> Grants {
        grants_with(RefreshReuse::Strict)
    }

    /// A first pair, exchanged at `t0`.
    fn installed(g: &mut Grants, t0: Instant) -> Pair {
        let code = g.new_code(t0);
        g.exchange(&code, t0).unwrap()
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
    fn strict_a_refresh_token_works_exactly_once() {
        let mut g = grants();
        let t0 = Instant::now();
        let first = installed(&mut g, t0);
        let second = g.refresh(&first.refresh, t0).unwrap();
        assert_ne!(second.refresh, first.refresh);
        // Before and after the new access token is used, the old refresh token is spent.
        assert_eq!(g.refresh(&first.refresh, t0), Err(Refusal::Revoked));
        assert!(g.accept(&second.access));
        assert_eq!(g.refresh(&first.refresh, t0), Err(Refusal::Revoked));
        assert_eq!(g.refresh("never-issued", t0), Err(Refusal::Revoked));
        // The refused reuse leaves the chain alone: the newest refresh token still rotates.
        let third = g.refresh(&second.refresh, t0).unwrap();
        assert_eq!(g.refresh(&second.refresh, t0), Err(Refusal::Revoked));
        assert!(g.refresh(&third.refresh, t0).is_ok());
    }

    #[test]
    fn grace_the_old_refresh_token_works_until_the_new_access_token_is_used() {
        let mut g = grants_with(RefreshReuse::Grace);
        let t0 = Instant::now();
        let first = installed(&mut g, t0);
        let second = g.refresh(&first.refresh, t0).unwrap();
        assert_ne!(second.refresh, first.refresh);
        // The answer was lost: the old refresh token still rotates.
        let third = g.refresh(&first.refresh, t0).unwrap();
        assert_eq!(g.refresh(&second.refresh, t0), Err(Refusal::Revoked));
        assert!(g.accept(&third.access));
        assert_eq!(g.refresh(&first.refresh, t0), Err(Refusal::Revoked));
        assert!(g.refresh(&third.refresh, t0).is_ok());
    }

    #[test]
    fn a_refresh_token_left_unused_past_its_lifetime_expires() {
        let mut g = grants();
        let t0 = Instant::now();
        let first = installed(&mut g, t0);
        // Still good at the very end of its lifetime; the new one counts from its own issue.
        let second = g.refresh(&first.refresh, t0 + DAY).unwrap();
        let late = t0 + DAY + DAY + Duration::from_millis(1);
        assert_eq!(g.refresh(&second.refresh, late), Err(Refusal::Expired));
        assert_eq!(g.refresh(&second.refresh, late), Err(Refusal::Expired));
        // A spent token stays revoked, however old.
        assert_eq!(g.refresh(&first.refresh, late), Err(Refusal::Revoked));
    }

    #[test]
    fn grace_a_replaced_refresh_token_expires_by_its_own_age() {
        let mut g = grants_with(RefreshReuse::Grace);
        let t0 = Instant::now();
        let first = installed(&mut g, t0);
        let second = g.refresh(&first.refresh, t0 + DAY).unwrap();
        let late = t0 + DAY + Duration::from_millis(1);
        assert_eq!(g.refresh(&first.refresh, late), Err(Refusal::Expired));
        assert!(g.refresh(&second.refresh, late).is_ok());
    }

    #[test]
    fn tokens_signed_elsewhere_or_revoked_are_refused() {
        let mut g = grants();
        let t0 = Instant::now();
        let pair = installed(&mut g, t0);
        let other = grants();
        let forged = other.sign().0;
        assert!(!g.accept(&forged));
        assert!(!g.accept("not-a-jwt"));
        g.revoke_all();
        assert!(!g.accept(&pair.access));
        assert_eq!(g.refresh(&pair.refresh, t0), Err(Refusal::Revoked));
    }
}
