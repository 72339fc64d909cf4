//! The `reason` of every `application/problem+json` refusal the relay sends.

use core::fmt;

/// Declares the enum and its codes in one list, so that `as_str` and `parse` cannot disagree.
macro_rules! reasons {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal,)*) => {
        /// A short machine-readable code a client branches on, sent as a problem's `reason`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Reason {
            $($(#[doc = $doc])* $name,)*
        }

        impl Reason {
            /// Every reason, in the order declared.
            pub const ALL: &'static [Reason] = &[$(Reason::$name,)*];

            /// The code as it is sent, e.g. `not_connected`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Reason::$name => $code,)*
                }
            }

            /// The reason a code stands for; `None` for a code this version does not know.
            pub fn parse(code: &str) -> Option<Reason> {
                match code {
                    $($code => Some(Reason::$name),)*
                    _ => None,
                }
            }
        }
    };
}

reasons! {
    /// The account's tokens no longer work: the integration must be installed again.
    NotConnected = "not_connected",
    /// The integration was never installed in the token's account.
    NotInstalled = "not_installed",
    /// The user is not an administrator of the account.
    NotAdmin = "not_admin",
    /// Kommo did not say whether the user is an administrator.
    AdminCheckFailed = "admin_check_failed",
    /// The `X-Auth-Token` was already used once.
    Replayed = "replayed",
    /// Not signed with the integration's secret (a token, or the disabled hook).
    Signature = "signature",
    /// The token has expired.
    Expired = "expired",
    /// The token is meant for another server (`aud`).
    Audience = "audience",
    /// The token's `iss` is not a Kommo account address.
    Issuer = "issuer",
    /// The request carries no `X-Auth-Token`.
    TokenMissing = "token_missing",
    /// The token cannot be read, or came more than once.
    TokenMalformed = "token_malformed",
    /// The token is not signed HS256.
    Algorithm = "algorithm",
    /// The token lacks a claim the relay needs.
    ClaimMissing = "claim_missing",
    /// One of the token's claims has the wrong type or value.
    ClaimInvalid = "claim_invalid",
    /// The token is not valid yet, or was issued in the future.
    NotYetValid = "not_yet_valid",
    /// The token claims a lifetime over 30 minutes.
    Lifetime = "lifetime",
    /// The token's `user_id` is not a user of the account.
    User = "user",
    /// The page's `Origin` is not the account that issued the token.
    OriginMismatch = "origin_mismatch",
    /// The token's `account_id` is not the account at its `iss`.
    AccountMismatch = "account_mismatch",
    /// The token or hook names another integration (`client_uuid`).
    ClientMismatch = "client_mismatch",
    /// The request also carries `Authorization`.
    AuthorizationHeader = "authorization_header",
    /// Too many calls for the account at once, or Kommo asks to slow down.
    RateLimited = "rate_limited",
    /// The request body is larger than the relay forwards.
    TooLarge = "too_large",
    /// The relay does not serve or forward this method and path.
    NotFound = "not_found",
    /// The relay's database did not answer.
    StorageFailed = "storage_failed",
    /// Kommo did not answer, or not as expected.
    KommoUnreachable = "kommo_unreachable",
    /// The relay cannot serve yet (`/readyz`).
    NotReady = "not_ready",
    /// The install callback's `referer` is not a Kommo account host.
    RefererNotAllowed = "referer_not_allowed",
    /// The install callback carries no code.
    CodeMissing = "code_missing",
    /// Kommo refused the install's code.
    CodeRefused = "code_refused",
    /// The administrator declined the install.
    InstallDeclined = "install_declined",
    /// A query string cannot be read.
    BadQuery = "bad_query",
    /// The disabled hook lacks a field, or has one that is not a number.
    HookIncomplete = "hook_incomplete",
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_reason_and_codes_are_distinct() {
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(Reason::parse(r.as_str()), Some(*r));
            assert_eq!(r.to_string(), r.as_str());
            assert!(Reason::ALL[..i].iter().all(|o| o.as_str() != r.as_str()));
        }
        assert_eq!(Reason::parse("not_connected"), Some(Reason::NotConnected));
        assert_eq!(Reason::parse(""), None);
        assert_eq!(Reason::parse("Not_Connected"), None);
    }
}
