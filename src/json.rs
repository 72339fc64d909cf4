//! The crate's one JSON engine. In the shipped module it is the browser's own: `JSON.parse`
//! and `JSON.stringify`, with values read and written by serde-wasm-bindgen, so the module
//! carries no JSON parser or printer of its own. Natively, where the same readers are tested,
//! it is serde_json.
//!
//! Readers take a parsed [`Doc`] apart field by field and read each part with serde, so that
//! an error can name the list item it is about.

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use engine::Doc;

/// JSON text of `value`. The crate's request types have string keys and no floats, so this
/// cannot fail.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    engine::stringify(value, false)
}

/// JSON text of `value`, indented by two spaces (an export file).
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    engine::stringify(value, true)
}

/// Reads `value` as a `T`, as if it were written as JSON and read back (a service kept as
/// JSON, read as the list reads services).
pub fn convert<T: DeserializeOwned, S: Serialize + ?Sized>(value: &S) -> Result<T, String> {
    engine::convert(value)
}

impl Doc {
    /// The non-null value of field `key`, when this is an object that has one.
    pub fn get(&self, key: &str) -> Option<Doc> {
        self.field(key).filter(|d| !d.is_null())
    }

    /// Reads the whole value as a `T`; the error says what did not fit.
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.read_as()
    }
}

#[cfg(target_arch = "wasm32")]
mod engine {
    use super::*;
    use js_sys::{Array, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    /// A parsed JSON value.
    #[derive(Clone, Debug)]
    pub struct Doc(JsValue);

    impl Doc {
        /// Parses JSON text; the error is the parser's reason.
        pub fn parse(bytes: &[u8]) -> Result<Doc, String> {
            let text = core::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())?;
            JSON::parse(text).map(Doc).map_err(|e| {
                e.dyn_ref::<js_sys::Error>()
                    .map_or_else(|| "not JSON".to_owned(), |e| String::from(e.message()))
            })
        }

        pub(super) fn field(&self, key: &str) -> Option<Doc> {
            if !self.0.is_object() || Array::is_array(&self.0) {
                return None;
            }
            let v = Reflect::get(&self.0, &JsValue::from_str(key)).ok()?;
            (!v.is_undefined()).then_some(Doc(v))
        }

        /// Whether this is `null`.
        pub fn is_null(&self) -> bool {
            self.0.is_null()
        }

        /// Whether this is an object (not an array).
        pub fn is_object(&self) -> bool {
            self.0.is_object() && !Array::is_array(&self.0)
        }

        /// The elements, when this is an array.
        pub fn items(&self) -> Option<Vec<Doc>> {
            Array::is_array(&self.0).then(|| Array::from(&self.0).iter().map(Doc).collect())
        }

        pub(super) fn read_as<T: DeserializeOwned>(&self) -> Result<T, String> {
            serde_wasm_bindgen::from_value(self.0.clone()).map_err(|e| e.to_string())
        }
    }

    pub(super) fn convert<T: DeserializeOwned, S: Serialize + ?Sized>(
        value: &S,
    ) -> Result<T, String> {
        let v = value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| e.to_string())?;
        serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())
    }

    pub(super) fn stringify<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
        let v = value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .expect("request bodies serialise");
        let text = if pretty {
            JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2))
        } else {
            JSON::stringify(&v)
        };
        text.ok()
            .and_then(|t| t.as_string())
            .expect("request bodies serialise")
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod engine {
    use super::*;
    use serde_json::Value;

    /// A parsed JSON value.
    #[derive(Clone, Debug)]
    pub struct Doc(Value);

    impl Doc {
        /// Parses JSON text; the error is the parser's reason.
        pub fn parse(bytes: &[u8]) -> Result<Doc, String> {
            serde_json::from_slice(bytes)
                .map(Doc)
                .map_err(|e| e.to_string())
        }

        pub(super) fn field(&self, key: &str) -> Option<Doc> {
            self.0.as_object()?.get(key).cloned().map(Doc)
        }

        /// Whether this is `null`.
        pub fn is_null(&self) -> bool {
            self.0.is_null()
        }

        /// Whether this is an object (not an array).
        pub fn is_object(&self) -> bool {
            self.0.is_object()
        }

        /// The elements, when this is an array.
        pub fn items(&self) -> Option<Vec<Doc>> {
            Some(self.0.as_array()?.iter().cloned().map(Doc).collect())
        }

        pub(super) fn read_as<T: DeserializeOwned>(&self) -> Result<T, String> {
            T::deserialize(&self.0).map_err(|e| e.to_string())
        }
    }

    pub(super) fn convert<T: DeserializeOwned, S: Serialize + ?Sized>(
        value: &S,
    ) -> Result<T, String> {
        serde_json::to_value(value)
            .and_then(serde_json::from_value)
            .map_err(|e| e.to_string())
    }

    pub(super) fn stringify<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        text.expect("request bodies serialise")
    }
}
