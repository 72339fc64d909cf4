//! Texts that depend on a number: a singular and a plural form of one message, and which of
//! them each language uses for a count.

use super::{fill, Lang, T};

/// A text that depends on a number: the `_one` key for a single thing, the `_other` key for
/// any other count, each with `{n}` where the number goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plural {
    /// The singular form.
    pub one: T,
    /// Every other form.
    pub other: T,
}

/// The texts that come in a singular and a plural form.
pub const PLURALS: &[Plural] = &[
    Plural {
        one: T::CreatedN_one,
        other: T::CreatedN_other,
    },
    Plural {
        one: T::SavedN_one,
        other: T::SavedN_other,
    },
    Plural {
        one: T::DeletedN_one,
        other: T::DeletedN_other,
    },
    Plural {
        one: T::ConfirmDelete_one,
        other: T::ConfirmDelete_other,
    },
    Plural {
        one: T::DeletingIn_one,
        other: T::DeletingIn_other,
    },
    Plural {
        one: T::RetryIn_one,
        other: T::RetryIn_other,
    },
];

impl Plural {
    /// The plural text whose `_other` form is `key`, if it has a singular.
    pub fn of(key: T) -> Option<Plural> {
        PLURALS.iter().copied().find(|p| p.other == key)
    }
}

impl Lang {
    /// The form of `p` for `n` things (English and Spanish say one of 1 only; Portuguese
    /// says one of 0 and 1 alike), without `{n}` filled.
    pub fn form(self, p: Plural, n: usize) -> &'static str {
        let one = match self {
            Lang::Pt => n <= 1,
            Lang::En | Lang::Es => n == 1,
        };
        self.t(if one { p.one } else { p.other })
    }

    /// The form of `p` for `n` things, with `{n}` filled.
    pub fn count(self, p: Plural, n: usize) -> String {
        fill(self.form(p, n), &[("n", &n.to_string())])
    }
}
