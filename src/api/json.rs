//! A small JSON reader and writer for request and response bodies.
//!
//! The browser bundle decodes and encodes the API's bodies with this instead of
//! `serde_json`: a generic deserializer brings float formatting and parsing, a map type and
//! one copy of its visitors per model, several times the size of this file's code. Numbers
//! are kept as their text, so nothing here ever touches `f64`.

/// Deepest nesting accepted, as `serde_json` does, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as the text it was written with (already checked against JSON's grammar).
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object's members in document order; a repeated key keeps every copy.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (the last one when repeated); `None` for non-objects.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Obj(members) => Some(members),
            _ => None,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a non-negative integer, when it is written as one and fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(n) => digits(n),
            _ => None,
        }
    }

    /// The value as an integer, when it is written as one and fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Num(n) => match n.strip_prefix('-') {
                // Through i128 so that i64::MIN, whose magnitude is no i64, still fits.
                Some(m) => i64::try_from(-i128::from(digits(m)?)).ok(),
                None => i64::try_from(digits(n)?).ok(),
            },
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

/// The value of a non-empty run of ASCII digits, unless it overflows.
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// A decimal `u64` as `str::parse` reads it (an optional `+`, then digits), without the
/// generic integer parser in the bundle.
pub fn parse_u64(s: &str) -> Option<u64> {
    digits(s.strip_prefix('+').unwrap_or(s))
}

/// `n` in decimal, as a new string.
pub fn u64_text(n: u64) -> String {
    let mut out = String::new();
    write_u64(&mut out, n);
    out
}

/// Parses one JSON document (whitespace around it allowed); the error says what is wrong.
pub fn parse(bytes: &[u8]) -> Result<Json, &'static str> {
    let mut p = Parser { b: bytes, i: 0 };
    let value = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err("trailing characters after the JSON value");
    }
    Ok(value)
}

/// A cursor over the input.
struct Parser<'a> {
    /// The whole input.
    b: &'a [u8],
    /// Position of the next byte.
    i: usize,
}

impl Parser<'_> {
    /// The next byte, if any, without consuming it.
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Consumes `word` (a literal) or fails.
    fn literal(&mut self, word: &[u8]) -> Result<(), &'static str> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err("invalid literal")
        }
    }

    /// One value at nesting `depth`.
    fn value(&mut self, depth: usize) -> Result<Json, &'static str> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply");
        }
        self.ws();
        match self.peek() {
            None => Err("unexpected end of input"),
            Some(b'n') => self.literal(b"null").map(|_| Json::Null),
            Some(b't') => self.literal(b"true").map(|_| Json::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|_| Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.close(b']') {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.separator(b']')? {
                        return Ok(Json::Arr(items));
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                if self.close(b'}') {
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err("expected a key");
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err("expected ':'");
                    }
                    self.i += 1;
                    members.push((key, self.value(depth + 1)?));
                    if self.separator(b'}')? {
                        return Ok(Json::Obj(members));
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Num),
            Some(_) => Err("expected a value"),
        }
    }

    /// Consumes `end` after optional whitespace, if it is next.
    fn close(&mut self, end: u8) -> bool {
        self.ws();
        if self.peek() == Some(end) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// After an item: `,` (more follow: false) or `end` (done: true).
    fn separator(&mut self, end: u8) -> Result<bool, &'static str> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                Ok(false)
            }
            Some(c) if c == end => {
                self.i += 1;
                Ok(true)
            }
            _ => Err("expected ',' or a closing bracket"),
        }
    }

    /// Skips a run of digits; returns how many there were.
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    /// A number by JSON's grammar, returned as its text.
    fn number(&mut self) -> Result<String, &'static str> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        // Only ASCII digits, signs, `.` and `e` were consumed.
        let mut text = String::new();
        for &b in self.b.get(start..self.i).unwrap_or_default() {
            text.push(char::from(b));
        }
        Ok(text)
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, &'static str> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err("invalid \\u escape"),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    /// A string starting at its opening quote, unescaped.
    fn string(&mut self) -> Result<String, &'static str> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.i;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.i += 1;
            }
            out.extend_from_slice(&self.b[start..self.i]);
            match self.peek() {
                None => return Err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| "a string is not valid UTF-8");
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or("unterminated string")?;
                    self.i += 1;
                    let simple = match c {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let ch = self.unicode()?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return Err("invalid escape"),
                    };
                    out.push(simple);
                }
                Some(_) => return Err("control character in a string"),
            }
        }
    }

    /// The character of a `\u` escape (after `\u`), joining a surrogate pair.
    fn unicode(&mut self) -> Result<char, &'static str> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.b[self.i..].starts_with(b"\\u") {
                return Err("lone surrogate in a \\u escape");
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err("lone surrogate in a \\u escape");
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or("lone surrogate in a \\u escape")
    }
}

/// Appends `s` as a JSON string literal (quoted, escaped).
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xF] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an unsigned integer.
pub fn write_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// Appends a value (numbers as written), with no whitespace.
pub fn write(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Str(s) => write_str(out, s),
        Json::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Json::Obj(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

/// Appends a value laid out for people: two-space indents, one member or item per line,
/// as `serde_json::to_string_pretty` writes it (an export file a user may read or edit).
pub fn write_pretty(out: &mut String, v: &Json, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match v {
        Json::Arr(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Json::Obj(members) if !members.is_empty() => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_str(out, k);
                out.push_str(": ");
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
        other => write(out, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &Json) -> String {
        let mut s = String::new();
        write(&mut s, v);
        s
    }

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(
            br#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00\n", "a": 0} "#,
        )
        .unwrap();
        assert_eq!(v.get("a"), Some(&Json::Num("0".into())));
        assert_eq!(v.get("b").and_then(Json::as_str), Some("x\"é😀\n"));
        let Some(Json::Arr(items)) = v.as_object().map(|m| &m[0].1) else {
            panic!("first member is the array");
        };
        assert_eq!(items[1], Json::Num("-2.5e3".into()));
        assert_eq!(items[1].as_i64(), None);
        assert_eq!(Json::Num("-7".into()).as_i64(), Some(-7));
        assert_eq!(Json::Num("-7".into()).as_u64(), None);
        assert_eq!(Json::Num("18446744073709551616".into()).as_u64(), None);
        assert_eq!(
            Json::Num("18446744073709551615".into()).as_u64(),
            Some(u64::MAX)
        );
        assert_eq!(
            Json::Num("-9223372036854775808".into()).as_i64(),
            Some(i64::MIN)
        );
        assert_eq!(Json::Num("9223372036854775808".into()).as_i64(), None);
        assert_eq!(Json::Num("-9223372036854775809".into()).as_i64(), None);
        assert_eq!(Json::Num("1.0".into()).as_u64(), None);
        assert_eq!(Json::Str("1".into()).as_u64(), None);
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        for bad in [
            &b""[..],
            b"{",
            b"[1,]",
            b"{\"a\" 1}",
            b"01",
            b"1.",
            b"-",
            b"1e",
            b"\"\\x\"",
            b"\"\\ud800\"",
            b"\"a\nb\"",
            b"\"\xff\"",
            b"nul",
            b"{} x",
            b"{1: 2}",
        ] {
            assert!(
                parse(bad).is_err(),
                "{:?} was accepted",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(deep.as_bytes()).is_err());
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn writes_what_it_reads() {
        let src =
            r#"{"s":"tab\there \"q\" \\ \u0001 é","n":[0,-1,2.5],"o":{},"b":[true,false,null]}"#;
        let v = parse(src.as_bytes()).unwrap();
        assert_eq!(parse(text(&v).as_bytes()).unwrap(), v);
        assert_eq!(text(&Json::Str("\u{1}".into())), r#""\u0001""#);
        let mut n = String::new();
        write_u64(&mut n, 0);
        n.push(' ');
        write_u64(&mut n, u64::MAX);
        assert_eq!(n, "0 18446744073709551615");
    }

    #[test]
    fn pretty_output_is_what_serde_json_writes() {
        let src = r#"{"a":[],"b":{},"c":[1,{"d":null,"e":"x\ny"}],"f":true}"#;
        let mut ours = String::new();
        write_pretty(&mut ours, &parse(src.as_bytes()).unwrap(), 0);
        let value: serde_json::Value = serde_json::from_str(src).unwrap();
        assert_eq!(ours, serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn agrees_with_serde_json_on_strings() {
        for s in [
            "",
            "plain",
            "quote\" back\\ slash/",
            "ctl\u{0}\u{1f}\u{7f}",
            "é😀",
        ] {
            let mut ours = String::new();
            write_str(&mut ours, s);
            assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), s);
            let theirs = serde_json::to_string(s).unwrap();
            assert_eq!(parse(theirs.as_bytes()).unwrap(), Json::Str(s.into()));
        }
    }
}
