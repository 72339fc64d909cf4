//! Checks of single values, usable while the user types.

use super::Code;
use crate::model::Pipeline;

/// Longest accepted source name, in characters.
pub const NAME_MAX: usize = 255;
/// Longest accepted external id (the Chats API's limit), in characters.
pub const EXTERNAL_ID_MAX: usize = 40;
/// Longest accepted origin code, in characters.
pub const ORIGIN_CODE_MAX: usize = 20;
/// Fewest digits of a plausible international phone number.
pub const PHONE_MIN_DIGITS: usize = 7;
/// Most digits of an international phone number (E.164).
pub const PHONE_MAX_DIGITS: usize = 15;

/// A source name: required once trimmed, at most [`NAME_MAX`] characters.
pub fn check_name(name: &str) -> Option<Code> {
    let name = name.trim();
    if name.is_empty() {
        Some(Code::NameRequired)
    } else if name.chars().count() > NAME_MAX {
        Some(Code::NameTooLong)
    } else {
        None
    }
}

/// The form of an external id: required, printable ASCII, at most [`EXTERNAL_ID_MAX`] long.
pub fn check_external_id(external_id: &str) -> Option<Code> {
    if external_id.trim().is_empty() {
        Some(Code::ExternalIdRequired)
    } else if !external_id.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        Some(Code::ExternalIdNotPrintable)
    } else if external_id.len() > EXTERNAL_ID_MAX {
        Some(Code::ExternalIdTooLong)
    } else {
        None
    }
}

/// Whether two external ids name the same source (the server may lower-case them).
pub fn same_external_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// An origin code, when one is given: not empty, not only digits or double quotes, short.
pub fn check_origin_code(code: &str) -> Option<Code> {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        Some(Code::OriginCodeEmpty)
    } else if trimmed.chars().all(|c| c.is_ascii_digit()) {
        Some(Code::OriginCodeOnlyDigits)
    } else if trimmed.chars().all(|c| c == '"') {
        Some(Code::OriginCodeOnlyQuotes)
    } else if code.chars().count() > ORIGIN_CODE_MAX {
        Some(Code::OriginCodeTooLong)
    } else {
        None
    }
}

/// A pipeline choice: unknown is an error, archived a warning; unchecked when none are known.
pub fn check_pipeline(pipeline_id: u64, pipelines: &[Pipeline]) -> Option<Code> {
    if pipelines.is_empty() {
        return None;
    }
    match pipelines.iter().find(|p| p.id == pipeline_id) {
        None => Some(Code::PipelineUnknown),
        Some(p) if p.is_archive => Some(Code::PipelineArchived),
        Some(_) => None,
    }
}

/// A WhatsApp page link: an international number, `+` optional, `wa.me/` form accepted.
pub fn check_phone(link: &str) -> Option<Code> {
    let mut number = link.trim();
    for prefix in ["https://wa.me/", "http://wa.me/", "wa.me/"] {
        if let Some(rest) = number.strip_prefix(prefix) {
            number = rest;
            break;
        }
    }
    let digits = number.strip_prefix('+').unwrap_or(number);
    let plausible = (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if plausible {
        None
    } else {
        Some(Code::PageLinkInvalid)
    }
}

/// A page's name or id: required once trimmed.
pub fn check_required(value: &str, code: Code) -> Option<Code> {
    value.trim().is_empty().then_some(code)
}
