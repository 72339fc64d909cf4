//! Checks of single settings, each naming the setting at fault in its message.

use super::{Key, KEY_VAR};
use base64::Engine;
use std::time::Duration;
use url::Url;

/// A duration: `30d`, `12h`, `90s`, `1500ms`, `1h 30m`, or bare seconds.
pub(super) fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(text)
        .map_err(|_| "not a duration like 30d, 12h, 90s, 1500ms or 20 (seconds)".to_string())
}

/// An address browsers or Kommo reach: https, or http on a loopback host; no credentials.
pub(super) fn web_url(name: &str, value: Option<String>) -> Result<Url, String> {
    let value = value.ok_or(format!("{name} is required"))?;
    let url = Url::parse(&value).map_err(|_| format!("{name}: not a URL: {value}"))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "{name}: must be https (http only on loopback): {value}"
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(format!("{name}: must not carry credentials or a #fragment"));
    }
    Ok(url)
}

/// A database URL the relay knows how to open; `name` is the setting's, for messages.
pub(super) fn check_database(name: &str, database: &str) -> Result<(), String> {
    let sqlite = database
        .strip_prefix("sqlite:")
        .map(|rest| rest.trim_start_matches("//"));
    match sqlite {
        Some(path) if path.is_empty() || path.starts_with('?') => Err(format!(
            "{name}: sqlite: needs a file, e.g. sqlite:kommo-relay.sqlite3"
        )),
        Some(path) if path.starts_with(":memory:") => Err(format!(
            "{name}: an in-memory SQLite database would lose every token on restart"
        )),
        Some(_) => Ok(()),
        None if database.starts_with("postgres://") || database.starts_with("postgresql://") => {
            Ok(())
        }
        // The URL may hold a password: name the setting, not the value.
        None => Err(format!("{name}: must start with sqlite: or postgres://")),
    }
}

/// `RELAY_KEY`: exactly 32 bytes in standard or URL-safe base64.
pub(super) fn parse_key(value: Option<String>) -> Result<Key, String> {
    let value = value.filter(|v| !v.trim().is_empty()).ok_or(format!(
        "{KEY_VAR} is not set: 32 bytes in base64 (openssl rand -base64 32)"
    ))?;
    let value = value.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(value))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value))
        .map_err(|_| format!("{KEY_VAR}: not base64 (openssl rand -base64 32 makes a key)"))?;
    let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        format!(
            "{KEY_VAR}: {} bytes, must be 32 (openssl rand -base64 32 makes a key)",
            b.len()
        )
    })?;
    Ok(Key(key))
}
