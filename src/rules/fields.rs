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

/// How many characters `s` holds: the bytes that do not continue a UTF-8 sequence. (`chars().
/// count()` does the same with an unrolled word-at-a-time loop, about 900 bytes of wasm.)
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xc0 != 0x80).count()
}

/// A source name: required once trimmed, at most [`NAME_MAX`] characters, no control
/// characters (they cannot be seen or typed back).
pub fn check_name(name: &str) -> Option<Code> {
    let name = name.trim();
    if name.is_empty() {
        Some(Code::NameRequired)
    } else if char_count(name) > NAME_MAX {
        Some(Code::NameTooLong)
    } else if name.chars().any(char::is_control) {
        Some(Code::NameNotPrintable)
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
    } else if char_count(code) > ORIGIN_CODE_MAX {
        Some(Code::OriginCodeTooLong)
    } else if code.chars().any(char::is_control) {
        Some(Code::OriginCodeNotPrintable)
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
    if number.is_empty() {
        return Some(Code::PageLinkRequired);
    }
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

/// A phone as typed, without the spaces, dashes, dots and parentheses people write in one
/// (a leading `+` and the `wa.me/` form kept): what is checked and sent.
pub fn clean_phone(link: &str) -> String {
    let t = link.trim();
    let (prefix, number) = ["https://wa.me/", "http://wa.me/", "wa.me/"]
        .iter()
        .find_map(|p| t.strip_prefix(p).map(|rest| (*p, rest)))
        .unwrap_or(("", t));
    let mut out = String::from(prefix);
    out.extend(
        number
            .chars()
            .filter(|c| !matches!(c, '-' | '.' | '(' | ')') && !c.is_whitespace()),
    );
    out
}

/// A page's id: required once trimmed.
pub fn check_required(value: &str, code: Code) -> Option<Code> {
    value.trim().is_empty().then_some(code)
}

/// A page's name: required once trimmed, no control characters.
pub fn check_page_name(name: &str) -> Option<Code> {
    check_required(name, Code::PageNameRequired).or_else(|| {
        name.chars()
            .any(char::is_control)
            .then_some(Code::PageNameNotPrintable)
    })
}

/// `s` lower-cased for search and sort, by arithmetic instead of Unicode tables.
///
/// Covers ASCII, Latin-1, Latin Extended-A (every letter of en, es and pt), basic Greek
/// and Cyrillic; other characters are kept as they are. `str::to_lowercase` brings about
/// 18 KB of tables and code into the browser bundle for little more.
pub fn fold_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(fold_char(c));
    }
    out
}

/// One character of [`fold_case`].
fn fold_char(c: char) -> char {
    let n = c as u32;
    let lower = match n {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB => n + 0x20,
        0x410..=0x42F => n + 0x20,
        0x400..=0x40F => n + 0x50,
        0x178 => 0xFF,
        // Latin Extended-A pairs an upper case letter with the next code point; the pairs
        // start on even code points except in 0139-0148 and 0179-017E.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if n.is_multiple_of(2) => n + 1,
        0x139..=0x148 | 0x179..=0x17E if !n.is_multiple_of(2) => n + 1,
        _ => n,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Whether `needle` occurs in `haystack`, compared byte for byte (fold both first to
/// ignore case); an empty needle is everywhere.
pub fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_case_matches_to_lowercase_where_it_folds() {
        let ranges = [0..0x130, 0x131..0x250, 0x370..0x3B0, 0x400..0x460];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let folded = fold_char(c);
            let std: String = c.to_lowercase().collect();
            let covered = matches!(c as u32, 0..=0x17F | 0x391..=0x3AB | 0x400..=0x42F);
            if covered {
                assert_eq!(folded.to_string(), std, "U+{:04X}", c as u32);
            } else {
                assert!(folded == c, "U+{:04X} changed", c as u32);
            }
        }
        assert_eq!(fold_case("ÁGUA Ação Ñandú İ"), "água ação ñandú İ");
        assert_eq!(fold_case("ПРИВЕТ Ёж"), "привет ёж");
    }

    #[test]
    fn char_count_counts_characters_not_bytes() {
        for s in ["", "abc", "água", "привет", "日本語", "👍🏽 ok", "a\u{0}b"] {
            assert_eq!(char_count(s), s.chars().count(), "{s:?}");
        }
        assert_eq!(check_name(&"ã".repeat(NAME_MAX)), None);
        assert_eq!(
            check_name(&"ã".repeat(NAME_MAX + 1)),
            Some(Code::NameTooLong)
        );
    }

    #[test]
    fn contains_finds_folded_text() {
        assert!(contains(&fold_case("Canal São Paulo"), &fold_case("SÃO")));
        assert!(contains("abc", ""));
        assert!(!contains("ab", "abc"));
        assert!(!contains("canal", "x"));
    }
}
