//! i18n (in progress).
